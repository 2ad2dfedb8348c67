// The one list of known differences between the vxts decoder and capstone. Each class is a narrow
// predicate over a Disagreement (an opcode/prefix/ModRM pattern plus the shape of both verdicts),
// a one-line reason, the SDM (or vendor manual) reference that decides it, and its kind:
//   capstone-wrong  capstone's verdict is not what the CPU does;
//   target-differs  capstone describes a later (or other vendor's) CPU; on the target, a
//                   P6/Core-class i386 with x87, MMX, SSE..SSE4.2 and no AVX/3DNow!, the bytes
//                   mean what vxts says (usually #UD);
//   spelling        both name the same instruction, with different words the SDM allows.
// A disagreement that no class explains fails the differential tests. docs/CAPSTONE-DIFFERENCES.md
// presents this list for people; a unit test keeps the two in step.

import { compareVerdicts, type Disagreement } from './capstone.js';
import { fromHex } from './windows.js';

export type DifferenceKind = 'capstone-wrong' | 'target-differs' | 'spelling';

/** The parts of a window a class looks at, parsed from the bytes (not by the decoder under test). */
export interface Anatomy {
  /** Legacy prefix bytes before the opcode, in order. */
  readonly prefixes: readonly number[];
  /** Opcode map: 0 one-byte, 1 = 0F, 2 = 0F 38, 3 = 0F 3A. */
  readonly map: number;
  /** The opcode byte within its map (-1 if the window ends first). */
  readonly opcode: number;
  /** The byte after the opcode read as ModRM (-1 if none), and its fields. */
  readonly modrm: number;
  readonly mod: number;
  readonly reg: number;
  readonly rm: number;
  /** The mandatory-prefix slot the CPU uses: the last of F2/F3, else 66 if present, else 'np'. */
  readonly slot: 'np' | '66' | 'f2' | 'f3';
  /**
   * Length of an instruction that ends with its ModRM operand (no immediate): prefixes, escape
   * and opcode bytes, ModRM, SIB and displacement, by 32- or 16-bit addressing (67 present) as in
   * SDM Vol. 2A Tables 2-1 and 2-2. Worked out here, independently of the decoder, so a class
   * that has no capstone length to compare with can still check ours. -1 if the window ends first.
   */
  readonly modrmEnd: number;
  readonly has: (prefix: number) => boolean;
}

const PREFIX_BYTES = new Set([0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67]);

export function anatomy(hex: string): Anatomy {
  const b = fromHex(hex);
  let i = 0;
  while (i < b.length && PREFIX_BYTES.has(b[i])) i++;
  const prefixes = Array.from(b.subarray(0, i));
  let map = 0;
  if (b[i] === 0x0f) {
    map = 1;
    i++;
    if (b[i] === 0x38 || b[i] === 0x3a) { map = b[i] === 0x38 ? 2 : 3; i++; }
  }
  const opcode = i < b.length ? b[i] : -1;
  const modrm = i + 1 < b.length ? b[i + 1] : -1;
  let slot: Anatomy['slot'] = prefixes.includes(0x66) ? '66' : 'np';
  for (const p of prefixes) if (p === 0xf2 || p === 0xf3) slot = p === 0xf2 ? 'f2' : 'f3';
  const end = modrm < 0 ? -1 : i + 2 + operandBytes(b, i + 1, prefixes.includes(0x67));
  return {
    prefixes, map, opcode, modrm,
    mod: modrm >> 6 & 3, reg: modrm >> 3 & 7, rm: modrm & 7, slot,
    modrmEnd: end > b.length ? -1 : end,
    has: (p) => prefixes.includes(p),
  };
}

/** SIB and displacement bytes after the ModRM byte at b[at] (SDM Vol. 2A, Tables 2-1 to 2-3). */
function operandBytes(b: Uint8Array, at: number, addr16: boolean): number {
  const mod = b[at] >> 6, rm = b[at] & 7;
  if (mod === 3) return 0;
  if (addr16) return mod === 1 ? 1 : mod === 2 || (mod === 0 && rm === 6) ? 2 : 0;
  let n = 0;
  if (rm === 4) {
    n = 1;
    if (at + 1 >= b.length) return n;
    if (mod === 0 && (b[at + 1] & 7) === 5) return n + 4;
  }
  if (mod === 1) return n + 1;
  if (mod === 2 || (mod === 0 && rm === 5)) return n + 4;
  return n;
}

/** A window a class explains: capstone's verdict on it ([size, raw mnemonic], null = invalid). */
export interface Example {
  readonly hex: string;
  readonly capstone: readonly [number, string] | null;
  /** For the prefix-order class: capstone's verdict on the reordered window. */
  readonly reordered?: readonly [number, string] | null;
}

export interface DifferenceClass {
  readonly name: string;
  readonly kind: DifferenceKind;
  /** One line: what differs and why vxts's verdict is the right one for the target. */
  readonly reason: string;
  /** Where the SDM (or the vendor's manual) says so. */
  readonly reference: string;
  /**
   * A window this class explains. The unit test decodes it with the current decoder and checks
   * that it still disagrees with the recorded capstone verdict and that this class explains it;
   * the oracle tests check that capstone still gives the recorded verdict.
   */
  readonly example: Example;
  readonly matches: (d: Disagreement, a: Anatomy) => boolean;
}

// ---- helpers for the predicates ----

const oursValid = (d: Disagreement) => d.ours.error === null;
const oursUndefined = (d: Disagreement) => d.ours.error === 'undefined';
/** Both accept the window with the same length: only the mnemonic differs. */
const sameLength = (d: Disagreement) => oursValid(d) && d.capstone.valid && d.ours.length === d.capstone.size;
const set = (...names: string[]): ReadonlySet<string> => new Set(names);
/** We say #UD (no row), capstone decodes one of `mnemonics`. */
const undefinedAs = (d: Disagreement, mnemonics: ReadonlySet<string>) =>
  oursUndefined(d) && d.capstone.valid && mnemonics.has(d.capstone.mnemonic);
const inRange = (x: number, lo: number, hi: number) => x >= lo && x <= hi;

/** The register-destination ALU forms (op Gb,Eb / op Gv,Ev): LOCK is never allowed on them. */
const ALU_REG_DEST = new Set([0x02, 0x03, 0x0a, 0x0b, 0x12, 0x13, 0x1a, 0x1b, 0x22, 0x23, 0x2a, 0x2b, 0x32, 0x33, 0x3a, 0x3b]);

/** SSE compare predicates 0-7, as the SDM's pseudo-op names spell them (Vol. 2A CMPPS). */
const CMP_PREDICATES = ['eq', 'lt', 'le', 'unord', 'neq', 'nlt', 'nle', 'ord'];

/** Group-7 (0F 01, mod = 3) instructions of later Intel CPUs and of AMD's, none on the target. */
const GROUP7_LATER = set(
  // Intel: VMFUNC, SGX leaf functions, PCONFIG, protection keys, SERIALIZE, TSX suspend/resume
  // tracking, user interrupts.
  'vmfunc', 'encls', 'enclu', 'enclv', 'pconfig', 'rdpkru', 'wrpkru', 'serialize', 'xsusldtrk',
  'xresldtrk', 'uiret', 'testui', 'clui', 'stui',
  // AMD: SVM, MONITORX/MWAITX, CLZERO, RDPRU, MCOMMIT, INVLPGB/TLBSYNC, SEV-SNP.
  'vmrun', 'vmmcall', 'vmload', 'vmsave', 'stgi', 'clgi', 'skinit', 'invlpga', 'monitorx', 'mwaitx',
  'clzero', 'rdpru', 'mcommit', 'invlpgb', 'tlbsync', 'rmpadjust', 'rmpupdate', 'psmash', 'pvalidate',
);

/** The x87 register-form aliases x87.ts decodes (see its header): first ModRM byte, mnemonic. */
const X87_ALIASES: readonly (readonly [number, number, string])[] = [
  [0xdc, 0xd0, 'fcom'], [0xdc, 0xd8, 'fcomp'], [0xde, 0xd0, 'fcomp'],
  [0xdd, 0xc8, 'fxch'], [0xdf, 0xc8, 'fxch'], [0xdf, 0xd0, 'fstp'], [0xdf, 0xd8, 'fstp'],
];

export const DIFFERENCE_CLASSES: readonly DifferenceClass[] = [
  // ---- the target lacks the extension capstone decodes ----
  {
    name: 'vex-evex-prefix',
    kind: 'target-differs',
    reason: 'C4/C5 (VEX) and 62 (EVEX) followed by a byte with mod = 3 encode AVX/AVX-512 instructions, which the target lacks; there the LES/LDS/BOUND register forms they overlay are #UD',
    reference: 'SDM Vol. 2A 2.3.5 (VEX in 32-bit mode) and chapter 2\'s EVEX encoding section; Vol. 2A BOUND and LDS/LES: #UD if the source operand is a register',
    example: { hex: 'c5f877', capstone: [3, 'vzeroupper'] },
    matches: (d, a) => d.ours.error === 'vex' && d.capstone.valid && a.map === 0 &&
      (a.opcode === 0xc4 || a.opcode === 0xc5 || a.opcode === 0x62) && a.mod === 3,
  },
  {
    name: 'xop-prefix',
    kind: 'target-differs',
    reason: '8F with ModRM.reg != 0 is AMD\'s XOP prefix; on Intel CPUs, the target included, POP Ev is only 8F /0 and the rest is #UD',
    reference: 'SDM Vol. 2B POP ("8F /0"), Vol. 2D Table A-6 group 1A; AMD APM Vol. 3 1.8 (XOP)',
    example: { hex: '8fe878c0c001', capstone: [6, 'vprotb'] },
    matches: (d, a) => d.ours.error === 'vex' && d.capstone.valid && a.map === 0 && a.opcode === 0x8f && a.reg !== 0,
  },
  {
    name: 'tsx-rtm',
    kind: 'target-differs',
    reason: 'XBEGIN (C7 F8), XABORT (C6 F8), XEND (0F 01 D5) and XTEST (0F 01 D6) are RTM, absent on the target: #UD (glibc carries them for lock elision behind a CPUID check)',
    reference: 'SDM Vol. 2D XBEGIN, XABORT, XEND, XTEST: #UD if CPUID.(EAX=7,ECX=0):EBX.RTM[bit 11] = 0',
    example: { hex: 'c7f800000000', capstone: [6, 'xbegin'] },
    matches: (d, a) => undefinedAs(d, set('xbegin', 'xabort', 'xend', 'xtest')) && (
      (a.map === 0 && (a.opcode === 0xc6 || a.opcode === 0xc7) && a.modrm === 0xf8) ||
      (a.map === 1 && a.opcode === 0x01 && (a.modrm === 0xd5 || a.modrm === 0xd6))),
  },
  {
    name: '3dnow',
    kind: 'target-differs',
    reason: '0F 0E (FEMMS) and 0F 0F (3DNow!) are AMD 3DNow!, which the target (like every Intel CPU) lacks: #UD',
    reference: 'SDM Vol. 2D Table A-3 (0F 0E and 0F 0F are not assigned); AMD APM Vol. 5 (3DNow!)',
    example: { hex: '0f0e', capstone: [2, 'femms'] },
    matches: (d, a) => oursUndefined(d) && d.capstone.valid && a.map === 1 && (a.opcode === 0x0e || a.opcode === 0x0f),
  },
  {
    name: 'hint-nop-extension',
    kind: 'target-differs',
    reason: 'later CPUs give meanings to parts of the reserved-NOP space 0F 1A-1E (MPX bnd*, CLDEMOTE, CET RDSSP), designed to stay NOPs on older ones; on the target they are NOP',
    reference: 'SDM Vol. 1, Intel MPX chapter (BND* execute as NOPs where MPX is absent), Vol. 2A CLDEMOTE (a NOP where unsupported), Vol. 1, CET chapter (RDSSP is a NOP where CET is off); Vol. 2D Table A-3',
    example: { hex: '0f1a00', capstone: [3, 'bndldx'] },
    matches: (d, a) => sameLength(d) && d.ours.mnemonic === 'nop' && a.map === 1 && inRange(a.opcode, 0x1a, 0x1e) &&
      set('bndcl', 'bndcu', 'bndcn', 'bndmov', 'bndmk', 'bndldx', 'bndstx', 'cldemote', 'rdsspd').has(d.capstone.mnemonic),
  },
  {
    name: 'wbnoinvd',
    kind: 'target-differs',
    reason: 'F3 0F 09 is WBNOINVD on CPUs that have it; on the target the F3 is ignored and it is WBINVD (privileged either way)',
    reference: 'SDM Vol. 2D WBNOINVD ("F3 0F 09"; WBINVD on processors that do not support it)',
    example: { hex: 'f30f09', capstone: [3, 'wbnoinvd'] },
    matches: (d, a) => sameLength(d) && a.map === 1 && a.opcode === 0x09 && a.slot === 'f3' &&
      d.ours.mnemonic === 'wbinvd' && d.capstone.mnemonic === 'wbnoinvd',
  },
  {
    name: 'group7-later-system',
    kind: 'target-differs',
    reason: 'register forms of 0F 01 that later Intel CPUs (VMFUNC, SGX, PCONFIG, PKU, SERIALIZE, ...) or AMD CPUs (SVM, MONITORX, CLZERO, RDPRU, ...) define; on the target they are #UD',
    reference: 'SDM Vol. 2D Table A-6 group 7 (mod = 11B cells) and the instruction pages (#UD if the CPUID feature bit is 0); AMD APM Vol. 3 (SVM, MONITORX, CLZERO, RDPRU)',
    example: { hex: '0f01d8', capstone: [3, 'vmrun'] },
    matches: (d, a) => undefinedAs(d, GROUP7_LATER) && a.map === 1 && a.opcode === 0x01 && a.mod === 3,
  },
  {
    name: 'cet-shadow-stack',
    kind: 'target-differs',
    reason: 'CET shadow-stack instructions outside the NOP space (INCSSP, RSTORSSP, SAVEPREVSSP, SETSSBSY, CLRSSBSY, WRSS, WRUSS) need CET, which the target lacks: #UD',
    reference: 'SDM Vol. 2A INCSSPD, CLRSSBSY, Vol. 2B RSTORSSP, SAVEPREVSSP, SETSSBSY, Vol. 2D WRSSD, WRUSSD: #UD if CPUID.(EAX=7,ECX=0):ECX.CET_SS[bit 7] = 0',
    example: { hex: 'f30fae30', capstone: [4, 'clrssbsy'] },
    matches: (d, a) => undefinedAs(d, set('incsspd', 'rstorssp', 'saveprevssp', 'setssbsy', 'clrssbsy', 'wrssd', 'wrussd')) &&
      ((a.map === 1 && (a.opcode === 0x01 || a.opcode === 0xae)) || (a.map === 2 && (a.opcode === 0xf5 || a.opcode === 0xf6))),
  },
  {
    name: 'xsave-later-forms',
    kind: 'target-differs',
    reason: 'XRSTORS, XSAVEC and XSAVES (0F C7 /3, /4, /5 with memory) came after the target: #UD',
    reference: 'SDM Vol. 2D XRSTORS, XSAVEC, XSAVES: #UD if CPUID.(EAX=0DH,ECX=1):EAX.XSAVEC[bit 1] / XSS[bit 3] = 0',
    example: { hex: '0fc720', capstone: [3, 'xsavec'] },
    matches: (d, a) => undefinedAs(d, set('xrstors', 'xsavec', 'xsaves')) && a.map === 1 && a.opcode === 0xc7 &&
      a.mod !== 3 && inRange(a.reg, 3, 5),
  },
  {
    name: 'rdpid',
    kind: 'target-differs',
    reason: 'F3 0F C7 /7 (register) is RDPID, which the target lacks; RDSEED does not allow F3, so the bytes are #UD there',
    reference: 'SDM Vol. 2B RDPID (#UD if CPUID.7.0:ECX.RDPID[bit 22] = 0), RDSEED ("NFx 0F C7 /7")',
    example: { hex: 'f30fc7f8', capstone: [4, 'rdpid'] },
    matches: (d, a) => undefinedAs(d, set('rdpid')) && a.map === 1 && a.opcode === 0xc7 && a.mod === 3 && a.reg === 7 && a.slot === 'f3',
  },
  {
    name: 'prefetchwt1',
    kind: 'target-differs',
    reason: '0F 0D /2 with memory is PREFETCHWT1 (Xeon Phi only); the target does not have it',
    reference: 'SDM Vol. 2B PREFETCHWT1: #UD if CPUID.(EAX=7,ECX=0):ECX.PREFETCHWT1[bit 0] = 0',
    example: { hex: '0f0d10', capstone: [3, 'prefetchwt1'] },
    matches: (d, a) => undefinedAs(d, set('prefetchwt1')) && a.map === 1 && a.opcode === 0x0d && a.mod !== 3 && a.reg === 2,
  },
  {
    name: 'via-padlock',
    kind: 'target-differs',
    reason: '0F A6/A7 with mod = 3 are VIA PadLock (XSTORE, XCRYPT*, XSHA*, MONTMUL); Intel CPUs, the target included, leave them unassigned: #UD',
    reference: 'SDM Vol. 2D Table A-3 (0F A6, 0F A7 unassigned); VIA PadLock Programming Guide',
    example: { hex: '0fa7c8', capstone: [3, 'xcryptecb'] },
    matches: (d, a) => oursUndefined(d) && d.capstone.valid && a.map === 1 && (a.opcode === 0xa6 || a.opcode === 0xa7) && a.mod === 3 &&
      /^(xstore|xcrypt|xsha|montmul)/.test(d.capstone.mnemonic),
  },
  {
    name: 'sse4a',
    kind: 'target-differs',
    reason: 'AMD SSE4a (EXTRQ, INSERTQ: 66/F2 0F 78/79; MOVNTSS/MOVNTSD: F3/F2 0F 2B) is not on Intel CPUs or the target: #UD',
    reference: 'SDM Vol. 2D Table A-3 (no 66/F2 forms of 0F 78/79, no F2/F3 forms of 0F 2B); AMD APM Vol. 4 (EXTRQ, INSERTQ, MOVNTSD, MOVNTSS)',
    example: { hex: 'f20f2b00', capstone: [4, 'movntsd'] },
    matches: (d, a) => oursUndefined(d) && d.capstone.valid && a.map === 1 && (
      ((a.opcode === 0x78 || a.opcode === 0x79) && (a.slot === '66' || a.slot === 'f2') && set('extrq', 'insertq').has(d.capstone.mnemonic)) ||
      (a.opcode === 0x2b && (a.slot === 'f2' || a.slot === 'f3') && set('movntsd', 'movntss').has(d.capstone.mnemonic))),
  },
  {
    name: 'group15-later',
    kind: 'target-differs',
    reason: 'later 0F AE forms (CLWB, CLFLUSHOPT, PTWRITE, TPAUSE, UMONITOR, UMWAIT) select on 66/F2/F3 or ModRM cells the target does not define: #UD there',
    reference: 'SDM Vol. 2A CLWB, CLFLUSHOPT, Vol. 2B PTWRITE, TPAUSE, UMONITOR, UMWAIT (#UD if the CPUID feature bit is 0); Vol. 2D Table A-6 group 15',
    example: { hex: '660fae30', capstone: [4, 'clwb'] },
    matches: (d, a) => undefinedAs(d, set('clwb', 'clflushopt', 'ptwrite', 'tpause', 'umonitor', 'umwait')) && a.map === 1 && a.opcode === 0xae,
  },
  {
    name: 'sha',
    kind: 'target-differs',
    reason: 'the SHA extensions (0F 38 C8-CD, 0F 3A CC) came after the target: #UD',
    reference: 'SDM Vol. 2B SHA1RNDS4, SHA1NEXTE, SHA1MSG1/2, SHA256RNDS2, SHA256MSG1/2: #UD if CPUID.(EAX=7,ECX=0):EBX.SHA[bit 29] = 0',
    example: { hex: '0f38c800', capstone: [4, 'sha1nexte'] },
    matches: (d, a) => undefinedAs(d, set('sha1nexte', 'sha1msg1', 'sha1msg2', 'sha256rnds2', 'sha256msg1', 'sha256msg2', 'sha1rnds4')) &&
      ((a.map === 2 && inRange(a.opcode, 0xc8, 0xcd)) || (a.map === 3 && a.opcode === 0xcc)),
  },
  {
    name: 'gfni',
    kind: 'target-differs',
    reason: 'GFNI (66 0F 38 CF, 66 0F 3A CE/CF) came after the target: #UD',
    reference: 'SDM Vol. 2A GF2P8AFFINEINVQB, GF2P8AFFINEQB, GF2P8MULB: #UD if CPUID.(EAX=7,ECX=0):ECX.GFNI[bit 8] = 0',
    example: { hex: '660f38cf00', capstone: [5, 'gf2p8mulb'] },
    matches: (d, a) => undefinedAs(d, set('gf2p8mulb', 'gf2p8affineqb', 'gf2p8affineinvqb')) &&
      ((a.map === 2 && a.opcode === 0xcf) || (a.map === 3 && (a.opcode === 0xce || a.opcode === 0xcf))),
  },
  {
    name: 'adx',
    kind: 'target-differs',
    reason: 'ADCX (66 0F 38 F6) and ADOX (F3 0F 38 F6) are ADX, which came after the target: #UD',
    reference: 'SDM Vol. 2A ADCX, ADOX: #UD if CPUID.(EAX=7,ECX=0):EBX.ADX[bit 19] = 0',
    example: { hex: '660f38f600', capstone: [5, 'adcx'] },
    matches: (d, a) => undefinedAs(d, set('adcx', 'adox')) && a.map === 2 && a.opcode === 0xf6,
  },
  {
    name: 'movdir-enqcmd',
    kind: 'target-differs',
    reason: 'MOVDIRI, MOVDIR64B, ENQCMD and ENQCMDS (0F 38 F8/F9) came after the target: #UD',
    reference: 'SDM Vol. 2B MOVDIRI, MOVDIR64B, Vol. 2A ENQCMD/ENQCMDS: #UD if the CPUID feature bit is 0',
    example: { hex: '0f38f900', capstone: [4, 'movdiri'] },
    matches: (d, a) => undefinedAs(d, set('movdiri', 'movdir64b', 'enqcmd', 'enqcmds')) && a.map === 2 && (a.opcode === 0xf8 || a.opcode === 0xf9),
  },
  {
    name: 'invpcid',
    kind: 'target-differs',
    reason: 'INVPCID (66 0F 38 82) came after the target, where it is #UD (and it is privileged where it exists)',
    reference: 'SDM Vol. 2A INVPCID: #UD if CPUID.(EAX=7,ECX=0):EBX.INVPCID[bit 10] = 0; #GP(0) if CPL > 0',
    example: { hex: '660f388200', capstone: [5, 'invpcid'] },
    matches: (d, a) => undefinedAs(d, set('invpcid')) && a.map === 2 && a.opcode === 0x82,
  },

  // ---- capstone's verdict is not what the CPU does ----
  {
    name: 'mov-to-cs',
    kind: 'capstone-wrong',
    reason: 'MOV Sreg, r/m with Sreg = CS (8E /1) is #UD; capstone decodes it as mov cs, ...',
    reference: 'SDM Vol. 2B MOV, Protected Mode Exceptions: "#UD If attempt is made to load the CS register"',
    example: { hex: '8ec8', capstone: [2, 'mov'] },
    matches: (d, a) => oursUndefined(d) && d.capstone.mnemonic === 'mov' && a.map === 0 && a.opcode === 0x8e && a.reg === 1,
  },
  {
    name: 'lock-register-destination',
    kind: 'capstone-wrong',
    reason: 'LOCK on an ALU form whose destination is a register (op Gb,Eb / op Gv,Ev) is #UD even with a memory source; capstone accepts it',
    reference: 'SDM Vol. 2A LOCK: only "forms of the instructions where the destination operand is a memory operand"; otherwise #UD',
    example: { hex: 'f03200', capstone: [3, 'lock xor'] },
    matches: (d, a) => d.ours.error === 'bad-lock' && d.capstone.valid && d.capstone.size === d.ours.length &&
      a.map === 0 && ALU_REG_DEST.has(a.opcode) && a.mod !== 3 && !a.has(0xf2) && !a.has(0xf3),
  },
  {
    name: 'lock-with-hle-hint',
    kind: 'capstone-wrong',
    reason: 'with F2/F3 beside LOCK capstone reads an XACQUIRE/XRELEASE hint and stops checking LOCK; LOCK on a form that does not allow it is #UD whatever the hint',
    reference: 'SDM Vol. 2A LOCK (#UD outside the lockable memory-destination forms); Vol. 2B XACQUIRE/XRELEASE (hints, valid only where LOCK is)',
    example: { hex: 'f0f20f4500', capstone: [5, 'cmovne'] },
    matches: (d, a) => d.ours.error === 'bad-lock' && d.capstone.valid && d.capstone.size === d.ours.length &&
      a.has(0xf0) && (a.has(0xf2) || a.has(0xf3)),
  },
  {
    name: 'lock-nop',
    kind: 'capstone-wrong',
    reason: 'LOCK on the hint NOPs (0F 18-1F with memory) is #UD, NOP not being a lockable instruction; capstone prints "lock nop"',
    reference: 'SDM Vol. 2A LOCK (the lockable instructions are listed; NOP is not one), Vol. 2B NOP',
    example: { hex: 'f00f1f00', capstone: [4, 'lock nop'] },
    matches: (d, a) => d.ours.error === 'bad-lock' && d.capstone.valid && d.capstone.size === d.ours.length &&
      d.capstone.mnemonic === 'nop' && a.map === 1 && inRange(a.opcode, 0x18, 0x1f) && a.mod !== 3,
  },
  {
    name: 'group15-prefix-quirks',
    kind: 'capstone-wrong',
    reason: 'capstone\'s prefix checks on the 0F AE memory forms are inconsistent: it takes FXSAVE/FXRSTOR/LDMXCSR/STMXCSR (/0-/3) with any one of 66, 67, F2, F3 but rejects F2/F3 together with 66 or 67 (the CPU ignores these prefixes there); and it rejects 66 on XSAVE/XRSTOR (/4, /5: NP forms, #UD) except when 67 is also present',
    reference: 'SDM Vol. 2D Table A-6 group 15 (66/F2/F3 select other forms only in the mod = 11B and /4-/7 cells); Vol. 2D XSAVE, XRSTOR ("NP 0F AE /4", "NP 0F AE /5"; NP: 66/F2/F3 not allowed); Vol. 2A 2.1.1',
    example: { hex: '66f30fae00', capstone: null },
    matches: (d, a) => a.map === 1 && a.opcode === 0xae && a.mod !== 3 && (
      (oursValid(d) && !d.capstone.valid && a.reg <= 3 && (a.has(0x66) || a.has(0x67)) && (a.has(0xf2) || a.has(0xf3)) &&
        d.ours.mnemonic === ['fxsave', 'fxrstor', 'ldmxcsr', 'stmxcsr'][a.reg] && d.ours.length === a.modrmEnd) ||
      (oursUndefined(d) && d.capstone.valid && (a.reg === 4 || a.reg === 5) && a.slot === '66' && a.has(0x67) &&
        d.capstone.mnemonic === (a.reg === 4 ? 'xsave' : 'xrstor'))),
  },
  {
    name: 'capstone-prefix-order',
    kind: 'capstone-wrong',
    reason: 'capstone\'s verdict depends on the order of the legacy prefixes (it rejects F2/F3 before 67, takes a 66 next to the opcode over an earlier F2/F3, ...); with the prefixes in the usual order (segment/67, 66, then LOCK/REP) it agrees with vxts, or differs only as another class here explains',
    reference: 'SDM Vol. 2A 2.1.1: prefixes of the four groups "may be placed in any order"; F2/F3 used with 0F are mandatory prefixes (2.1.2)',
    example: { hex: 'f2670f4500', capstone: null, reordered: [5, 'cmovne'] },
    // Checked in classify(): the reordered verdict must agree with ours or fall in another class.
    matches: () => false,
  },
  {
    name: 'pause-with-size-prefix',
    kind: 'capstone-wrong',
    reason: 'PAUSE (F3 90) with a 66 or 67 prefix as well is still PAUSE (90 has no operand for them to size); capstone rejects the combination though it takes 66 90 and F2 66 90 as NOP',
    reference: 'SDM Vol. 2B PAUSE ("F3 90"), NOP ("NP 90"); Vol. 2A 2.1.1 (66/67 change only operand and address size)',
    example: { hex: '66f390', capstone: null },
    matches: (d, a) => oursValid(d) && d.ours.mnemonic === 'pause' && !d.capstone.valid && a.map === 0 && a.opcode === 0x90 &&
      a.slot === 'f3' && (a.has(0x66) || a.has(0x67)) && d.ours.length === a.prefixes.length + 1,
  },
  {
    name: 'hint-nop-rejected',
    kind: 'capstone-wrong',
    reason: '0F 19-0F 1F (and 0F 18 /4-/7) are the reserved-NOP space, executed as NOP Ev for any ModRM by every CPU since the P6; capstone rejects many of these encodings',
    reference: 'SDM Vol. 2D Table A-3 (0F 18-1F "Reserved-NOP") and Table A-6 group 16; Vol. 2B NOP ("0F 1F /0")',
    example: { hex: '0f1ec0', capstone: null },
    matches: (d, a) => oursValid(d) && d.ours.mnemonic === 'nop' && !d.capstone.valid && a.map === 1 &&
      (inRange(a.opcode, 0x19, 0x1f) || (a.opcode === 0x18 && a.reg >= 4)) && d.ours.length === a.modrmEnd,
  },
  {
    name: 'ud0-ud1-modrm',
    kind: 'capstone-wrong',
    reason: 'UD0 (0F FF) and UD1 (0F B9) take a ModRM byte (with its SIB and displacement); capstone ends them after the opcode. Both raise #UD (with or without LOCK), so only the length differs',
    reference: 'SDM Vol. 2B UD: "0F FF /r UD0 r32, r/m32", "0F B9 /r UD1 r32, r/m32"',
    example: { hex: '0fb9c0', capstone: [2, 'ud1'] },
    matches: (d, a) => d.capstone.valid && a.map === 1 && (a.opcode === 0xb9 || a.opcode === 0xff) &&
      d.capstone.mnemonic === (a.opcode === 0xb9 ? 'ud1' : 'ud0') && d.capstone.size === a.prefixes.length + 2 &&
      d.ours.length === a.modrmEnd &&
      ((oursValid(d) && d.ours.mnemonic === d.capstone.mnemonic) || d.ours.error === 'bad-lock'),
  },
  {
    name: 'rep-bsf-bsr',
    kind: 'capstone-wrong',
    reason: 'F2 on BSF/BSR has no defined meaning and the CPU ignores it, as it does elsewhere; capstone rejects the form',
    reference: 'SDM Vol. 2A 2.1.1 (F2/F3 on instructions other than string and SSE ones: reserved, in practice ignored), Vol. 2A BSF, BSR',
    example: { hex: 'f20fbcc0', capstone: null },
    matches: (d, a) => oursValid(d) && !d.capstone.valid && a.map === 1 && (a.opcode === 0xbc || a.opcode === 0xbd) &&
      a.slot === 'f2' && (d.ours.mnemonic === 'bsf' || d.ours.mnemonic === 'bsr') && d.ours.length === a.modrmEnd,
  },
  {
    name: 'fence-any-rm',
    kind: 'capstone-wrong',
    reason: 'LFENCE, MFENCE and SFENCE (0F AE /5, /6, /7 with mod = 3) ignore ModRM.rm; capstone accepts only rm = 0',
    reference: 'SDM Vol. 2A LFENCE, Vol. 2B MFENCE, SFENCE: "the processor ignores the r/m field of the ModR/M byte"',
    example: { hex: '0faee9', capstone: null },
    matches: (d, a) => oursValid(d) && !d.capstone.valid && a.map === 1 && a.opcode === 0xae && a.mod === 3 && a.rm !== 0 &&
      d.ours.mnemonic === ['lfence', 'mfence', 'sfence'][a.reg - 5] && d.ours.length === a.modrmEnd,
  },
  {
    name: 'swapgs',
    kind: 'capstone-wrong',
    reason: 'SWAPGS (0F 01 F8) exists only in 64-bit mode; in 32-bit code it is #UD, yet capstone decodes it',
    reference: 'SDM Vol. 2B SWAPGS: "#UD If Mode != 64-Bit"',
    example: { hex: '0f01f8', capstone: [3, 'swapgs'] },
    matches: (d, a) => undefinedAs(d, set('swapgs')) && a.map === 1 && a.opcode === 0x01 && a.modrm === 0xf8,
  },
  {
    name: 'x87-register-aliases',
    kind: 'capstone-wrong',
    reason: 'x87 hardware, the P6 included, executes the blank mod = 3 cells DC D0-DF, DE D0-D7, DD C8-CF, DF C8-DF as FCOM/FCOMP/FXCH/FSTP ST(i); capstone rejects them',
    reference: 'SDM Vol. 2D A.4.2, the x87 mod = 11B opcode tables (cells left blank); the aliases are listed in decoder/table/x87.ts',
    example: { hex: 'dcd1', capstone: null },
    matches: (d, a) => oursValid(d) && !d.capstone.valid && a.map === 0 &&
      X87_ALIASES.some(([op, first, name]) => a.opcode === op && inRange(a.modrm, first, first + 7) && d.ours.mnemonic === name) &&
      d.ours.length === a.modrmEnd,
  },

  // ---- the same instruction, spelled differently ----
  {
    name: 'far-indirect-spelling',
    kind: 'spelling',
    reason: 'capstone spells the far indirect CALL/JMP m16:32 (FF /3, FF /5 without 66) "call"/"jmp", like the near FF /2, /4, but "lcall"/"ljmp" with 66 and for 9A/EA; vxts says lcall/ljmp for every far form',
    reference: 'SDM Vol. 2A CALL ("FF /3 CALL m16:32: call far, absolute indirect"), JMP ("FF /5 JMP m16:32")',
    example: { hex: 'ff18', capstone: [2, 'call'] },
    matches: (d, a) => sameLength(d) && a.map === 0 && a.opcode === 0xff && a.mod !== 3 &&
      ((a.reg === 3 && d.ours.mnemonic === 'lcall' && d.capstone.mnemonic === 'call') ||
       (a.reg === 5 && d.ours.mnemonic === 'ljmp' && d.capstone.mnemonic === 'jmp')),
  },
  {
    name: 'sse-compare-pseudo-op',
    kind: 'spelling',
    reason: 'for immediates 0-7 capstone prints the SDM\'s pseudo-op (cmpltss, cmpneqpd, ...) where vxts prints the instruction (cmpss, cmppd, ...) with the immediate',
    reference: 'SDM Vol. 2A CMPPS/CMPPD/CMPSS/CMPSD: "Pseudo-Op" tables (predicates 0-7)',
    example: { hex: 'f30fc2c001', capstone: [5, 'cmpltss'] },
    matches: (d, a) => {
      if (!sameLength(d) || a.map !== 1 || a.opcode !== 0xc2) return false;
      const m = /^cmp(ps|pd|ss|sd)$/.exec(d.ours.mnemonic);
      const imm = fromHex(d.hex)[d.ours.length - 1];
      return m !== null && imm < 8 && d.capstone.mnemonic === `cmp${CMP_PREDICATES[imm]}${m[1]}`;
    },
  },
];

const PREFIX_ORDER = DIFFERENCE_CLASSES.find((c) => c.name === 'capstone-prefix-order') as DifferenceClass;

function direct(d: Disagreement, a: Anatomy): DifferenceClass | null {
  for (const c of DIFFERENCE_CLASSES) if (c.matches(d, a)) return c;
  return null;
}

/**
 * The class that explains `d`, or null when none does (a test failure). A class's own pattern
 * wins; otherwise, if capstone's verdict on the reordered prefixes agrees with ours, or differs in
 * a way another class explains, the difference is capstone's prefix-order dependence.
 */
export function classify(d: Disagreement): DifferenceClass | null {
  const a = anatomy(d.hex);
  const hit = direct(d, a);
  if (hit !== null) return hit;
  if (d.reordered === undefined) return null;
  const bytes = fromHex(d.hex);
  const again = compareVerdicts(bytes, d.ours, d.reordered);
  if (again === null || direct(again, a) !== null) return PREFIX_ORDER;
  return null;
}
