// The Linux i386 signal frames, written from the documented ABI (arch/x86 uapi sigcontext.h,
// asm/sigframe.h, ucontext, siginfo): the legacy `struct sigframe` for handlers without
// SA_SIGINFO and `struct rt_sigframe` (siginfo + ucontext) for SA_SIGINFO, the FPU state in the
// legacy FSAVE layout (magic 0xffff: "regular FPU data only"), and their undoing by sigreturn
// and rt_sigreturn. All guest memory goes through the arena's checked accessors: a frame that
// cannot be written or read throws GuestFault, which the caller turns into SIGSEGV.

import { EAX, EBP, EBX, ECX, EDI, EDX, ESI, ESP, USER_CS, USER_DS } from '../../cpu/state.js';
import type { GuestCpu } from '../../engine/machine.js';
import type { Arena } from '../../memory/arena.js';
import type { LinuxProcess } from '../process.js';
import { SA_ONSTACK, SA_RESTORER, SA_SIGINFO, SS_AUTODISARM, SS_DISABLE, SS_ONSTACK, UNBLOCKABLE, hiWord, loWord, setFromWords } from './constants.js';
import type { AltStack, SigAction, SigInfo } from './state.js';

/** struct sigcontext (88 bytes) field offsets. */
const SC = {
  gs: 0, fs: 4, es: 8, ds: 12, edi: 16, esi: 20, ebp: 24, esp: 28, ebx: 32, edx: 36, ecx: 40, eax: 44,
  trapno: 48, err: 52, eip: 56, cs: 60, eflags: 64, espAtSignal: 68, ss: 72, fpstate: 76, oldmask: 80, cr2: 84,
} as const;
export const SIGCONTEXT_SIZE = 88;
/** struct _fpstate (i386): 624 bytes; the legacy FSAVE part is the first 112. */
export const FPSTATE_SIZE = 624;
const FSAVE_SIZE = 112;
export const SIGINFO_SIZE = 128;

/** Legacy frame: pretcode, sig, sigcontext, unused _fpstate, extramask, retcode. */
export const SIGFRAME = { pretcode: 0, sig: 4, sc: 8, extramask: 8 + SIGCONTEXT_SIZE + FPSTATE_SIZE, retcode: 12 + SIGCONTEXT_SIZE + FPSTATE_SIZE, size: 20 + SIGCONTEXT_SIZE + FPSTATE_SIZE } as const;
/** rt frame: pretcode, sig, pinfo, puc, siginfo, ucontext {flags, link, stack_t, sigcontext, sigset}, retcode. */
export const RT_SIGFRAME = { pretcode: 0, sig: 4, pinfo: 8, puc: 12, info: 16, uc: 144, ucStack: 152, ucMcontext: 164, ucSigmask: 252, retcode: 260, size: 268 } as const;

/** popl %eax; movl $__NR_sigreturn, %eax; int $0x80 */
const RETCODE = Uint8Array.of(0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80);
/** movl $__NR_rt_sigreturn, %eax; int $0x80; (pad) */
const RT_RETCODE = Uint8Array.of(0xb8, 173, 0, 0, 0, 0xcd, 0x80, 0);

const EFLAGS_TF = 0x100, EFLAGS_DF = 0x400, EFLAGS_RF = 0x10000;
/** The EFLAGS bits sigreturn takes from the frame (Linux's FIX_EFLAGS). */
const FIX_EFLAGS = 0x40dd5 | EFLAGS_RF;

/** What a fault adds to the sigcontext: trap number, error code, CR2. */
export interface FaultContext { trapno: number; err: number; cr2: number }

export function sigInfoBytes(info: SigInfo): Uint8Array {
  const b = new Uint8Array(SIGINFO_SIZE);
  const v = new DataView(b.buffer);
  v.setInt32(0, info.signo, true);
  v.setInt32(4, info.errno ?? 0, true);
  v.setInt32(8, info.code, true);
  if (info.addr !== undefined) v.setUint32(12, info.addr >>> 0, true);
  else if (info.timerid !== undefined) {
    v.setInt32(12, info.timerid, true);
    v.setInt32(16, info.overrun ?? 0, true);
    v.setInt32(20, info.value ?? 0, true);
  } else {
    v.setInt32(12, info.pid ?? 0, true);
    v.setUint32(16, info.uid ?? 0, true);
    if (info.status !== undefined) v.setInt32(20, info.status, true);
    else if (info.value !== undefined) v.setInt32(20, info.value, true);
  }
  return b;
}

function sigcontextBytes(cpu: GuestCpu, oldmask: number, fpstate: number, fault: FaultContext | null): Uint8Array {
  const b = new Uint8Array(SIGCONTEXT_SIZE);
  const v = new DataView(b.buffer);
  const r = cpu.r;
  v.setUint32(SC.gs, cpu.seg[5], true);
  v.setUint32(SC.fs, cpu.seg[4], true);
  v.setUint32(SC.es, cpu.seg[0], true);
  v.setUint32(SC.ds, cpu.seg[3], true);
  v.setInt32(SC.edi, r[EDI], true);
  v.setInt32(SC.esi, r[ESI], true);
  v.setInt32(SC.ebp, r[EBP], true);
  v.setInt32(SC.esp, r[ESP], true);
  v.setInt32(SC.ebx, r[EBX], true);
  v.setInt32(SC.edx, r[EDX], true);
  v.setInt32(SC.ecx, r[ECX], true);
  v.setInt32(SC.eax, r[EAX], true);
  v.setUint32(SC.trapno, fault?.trapno ?? 0, true);
  v.setUint32(SC.err, fault?.err ?? 0, true);
  v.setUint32(SC.eip, cpu.eip >>> 0, true);
  v.setUint32(SC.cs, cpu.seg[1], true);
  v.setUint32(SC.eflags, cpu.eflags >>> 0, true);
  v.setInt32(SC.espAtSignal, r[ESP], true);
  v.setUint32(SC.ss, cpu.seg[2], true);
  v.setUint32(SC.fpstate, fpstate >>> 0, true);
  v.setUint32(SC.oldmask, oldmask >>> 0, true);
  v.setUint32(SC.cr2, fault?.cr2 ?? 0, true);
  return b;
}

/** The x87 state in the FSAVE layout: environment, ST(0)..ST(7), status, magic 0xffff. */
function fsaveBytes(cpu: GuestCpu): Uint8Array {
  const f = cpu.fpu;
  const b = new Uint8Array(FSAVE_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xffff_0000 | f.control, true);
  v.setUint32(4, 0xffff_0000 | f.statusWord, true);
  v.setUint32(8, 0xffff_0000 | (f.tag & 0xffff), true);
  v.setUint32(12, f.lastIp >>> 0, true);
  v.setUint32(16, ((f.lastOpcode & 0x7ff) << 16) | USER_CS, true);
  v.setUint32(20, f.lastDp >>> 0, true);
  v.setUint32(24, 0xffff_0000 | USER_DS, true);
  for (let i = 0; i < 8; i++) {
    const phys = (f.top + i) & 7;
    v.setUint32(28 + i * 10, f.mantLo[phys], true);
    v.setUint32(32 + i * 10, f.mantHi[phys], true);
    v.setUint16(36 + i * 10, f.signExp[phys], true);
  }
  v.setUint16(108, f.statusWord, true);
  v.setUint16(110, 0xffff, true);
  return b;
}

function restoreFsave(cpu: GuestCpu, b: Uint8Array): void {
  const f = cpu.fpu;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  f.control = v.getUint16(0, true);
  const sw = v.getUint16(4, true);
  f.top = (sw >> 11) & 7;
  f.status = sw & ~0x3800;
  f.tag = v.getUint16(8, true);
  f.lastIp = v.getUint32(12, true);
  f.lastOpcode = (v.getUint32(16, true) >>> 16) & 0x7ff;
  f.lastDp = v.getUint32(20, true);
  for (let i = 0; i < 8; i++) {
    const phys = (f.top + i) & 7;
    f.mantLo[phys] = v.getUint32(28 + i * 10, true);
    f.mantHi[phys] = v.getUint32(32 + i * 10, true);
    f.signExp[phys] = v.getUint16(36 + i * 10, true);
  }
}

/** sas_ss_flags: where `sp` is relative to the alternate stack. */
export function altStackFlags(alt: AltStack, sp: number): number {
  if (alt.flags & SS_DISABLE || alt.size === 0) return SS_DISABLE;
  return onAltStack(alt, sp) ? SS_ONSTACK : 0;
}

export const onAltStack = (alt: AltStack, sp: number): boolean =>
  !(alt.flags & SS_DISABLE) && alt.size !== 0 && (sp >>> 0) > (alt.sp >>> 0) && (sp >>> 0) - (alt.sp >>> 0) <= alt.size;

/**
 * Builds the frame for `sig` on the guest's stack (or the alternate stack) and points the CPU
 * at the handler. `oldmask` is the mask sigreturn will restore. Throws GuestFault when the
 * stack cannot take the frame.
 */
export function setupFrame(p: LinuxProcess, sig: number, act: SigAction, info: SigInfo, oldmask: bigint, fault: FaultContext | null): void {
  const cpu = p.machine.cpu;
  const mem: Arena = p.mem;
  const alt = p.sig.altstack;
  const espAtSignal = cpu.r[ESP] >>> 0;
  let sp = espAtSignal;
  const stackFlags = altStackFlags(alt, sp);
  const altSaved = { ...alt };
  if ((act.flags & SA_ONSTACK) && stackFlags === 0) {
    sp = (alt.sp + alt.size) >>> 0;
    if (alt.flags & SS_AUTODISARM) p.sig.altstack = { sp: 0, size: 0, flags: SS_DISABLE };
  }
  // The FPU state goes first (64-byte aligned, as for XSAVE), then the frame, aligned so that
  // the handler sees ESP + 4 on a 16-byte boundary, as after a call.
  sp = ((sp - FPSTATE_SIZE) & ~63) >>> 0;
  const fpstate = sp;
  const rt = (act.flags & SA_SIGINFO) !== 0;
  sp = (sp - (rt ? RT_SIGFRAME.size : SIGFRAME.size)) >>> 0;
  const frame = ((((sp + 4) & ~15) >>> 0) - 4) >>> 0;

  const fp = new Uint8Array(FPSTATE_SIZE);
  fp.set(fsaveBytes(cpu));
  mem.writeBytes(fpstate, fp);
  const sc = sigcontextBytes(cpu, loWord(oldmask), fpstate, fault);

  if (rt) {
    const F = RT_SIGFRAME;
    const b = new Uint8Array(F.size);
    const v = new DataView(b.buffer);
    v.setUint32(F.pretcode, act.flags & SA_RESTORER ? act.restorer >>> 0 : (frame + F.retcode) >>> 0, true);
    v.setInt32(F.sig, sig, true);
    v.setUint32(F.pinfo, (frame + F.info) >>> 0, true);
    v.setUint32(F.puc, (frame + F.uc) >>> 0, true);
    b.set(sigInfoBytes(info), F.info);
    // uc_flags 0, uc_link 0, uc_stack as sigaltstack would report it before the switch.
    v.setUint32(F.ucStack, altSaved.sp >>> 0, true);
    v.setInt32(F.ucStack + 4, altStackFlags(altSaved, espAtSignal) | (altSaved.flags & SS_AUTODISARM), true);
    v.setUint32(F.ucStack + 8, altSaved.size >>> 0, true);
    b.set(sc, F.ucMcontext);
    v.setUint32(F.ucSigmask, loWord(oldmask), true);
    v.setUint32(F.ucSigmask + 4, hiWord(oldmask), true);
    b.set(RT_RETCODE, F.retcode);
    mem.writeBytes(frame, b);
    cpu.r[EAX] = sig;
    cpu.r[EDX] = (frame + F.info) | 0;
    cpu.r[ECX] = (frame + F.uc) | 0;
  } else {
    const F = SIGFRAME;
    const b = new Uint8Array(F.size);
    const v = new DataView(b.buffer);
    v.setUint32(F.pretcode, act.flags & SA_RESTORER ? act.restorer >>> 0 : (frame + F.retcode) >>> 0, true);
    v.setInt32(F.sig, sig, true);
    b.set(sc, F.sc);
    v.setUint32(F.extramask, hiWord(oldmask), true);
    b.set(RETCODE, F.retcode);
    mem.writeBytes(frame, b);
    cpu.r[EAX] = sig;
    cpu.r[EDX] = 0;
    cpu.r[ECX] = 0;
  }
  cpu.r[ESP] = frame | 0;
  cpu.eip = act.handler >>> 0;
  cpu.eflags = cpu.eflags & ~(EFLAGS_TF | EFLAGS_DF | EFLAGS_RF);
  // The handler starts with flat user segments (FS and GS are left alone) and a fresh FPU.
  cpu.seg[0] = cpu.seg[2] = cpu.seg[3] = USER_DS;
  cpu.seg[1] = USER_CS;
  cpu.segBase[0] = cpu.segBase[1] = cpu.segBase[2] = cpu.segBase[3] = 0;
  cpu.fpu.reset();
}

/** Loads registers from a sigcontext in guest memory (sigreturn); returns the mask words' low half. */
function restoreContext(p: LinuxProcess, at: number): void {
  const cpu = p.machine.cpu;
  const mem = p.mem;
  const b = mem.readBytes(at, SIGCONTEXT_SIZE);
  const v = new DataView(b.buffer);
  const r = cpu.r;
  r[EDI] = v.getInt32(SC.edi, true);
  r[ESI] = v.getInt32(SC.esi, true);
  r[EBP] = v.getInt32(SC.ebp, true);
  r[ESP] = v.getInt32(SC.esp, true);
  r[EBX] = v.getInt32(SC.ebx, true);
  r[EDX] = v.getInt32(SC.edx, true);
  r[ECX] = v.getInt32(SC.ecx, true);
  r[EAX] = v.getInt32(SC.eax, true);
  cpu.eip = v.getUint32(SC.eip, true);
  const flags = v.getUint32(SC.eflags, true);
  cpu.eflags = (cpu.eflags & ~FIX_EFLAGS) | (flags & FIX_EFLAGS);
  // Segment registers: a selector the process may not load makes sigreturn fail (SIGSEGV).
  const load = (seg: number, sel: number): void => {
    cpu.segBase[seg] = cpu.segmentBase(seg, sel);
    cpu.seg[seg] = sel;
  };
  load(5, v.getUint16(SC.gs, true));
  load(4, v.getUint16(SC.fs, true));
  load(0, v.getUint16(SC.es, true));
  load(3, v.getUint16(SC.ds, true));
  cpu.seg[1] = USER_CS;
  cpu.seg[2] = USER_DS;
  const fpstate = v.getUint32(SC.fpstate, true);
  if (fpstate !== 0) restoreFsave(cpu, mem.readBytes(fpstate, FSAVE_SIZE));
  else cpu.fpu.reset();
}

/** sigreturn (119): ESP points just past the popped pretcode and sig (frame + 8). */
export function sigreturn(p: LinuxProcess): number {
  const cpu = p.machine.cpu;
  const frame = ((cpu.r[ESP] >>> 0) - 8) >>> 0;
  const mem = p.mem;
  const oldmask = mem.read32(frame + SIGFRAME.sc + SC.oldmask);
  const extra = mem.read32(frame + SIGFRAME.extramask);
  restoreContext(p, frame + SIGFRAME.sc);
  p.sig.blocked = setFromWords(oldmask, extra) & ~UNBLOCKABLE;
  return cpu.r[EAX];
}

/** rt_sigreturn (173): ESP points just past the popped pretcode (frame + 4). */
export function rtSigreturn(p: LinuxProcess): number {
  const cpu = p.machine.cpu;
  const frame = ((cpu.r[ESP] >>> 0) - 4) >>> 0;
  const mem = p.mem;
  const lo = mem.read32(frame + RT_SIGFRAME.ucSigmask);
  const hi = mem.read32(frame + RT_SIGFRAME.ucSigmask + 4);
  const ss = mem.readBytes(frame + RT_SIGFRAME.ucStack, 12);
  restoreContext(p, frame + RT_SIGFRAME.ucMcontext);
  p.sig.blocked = setFromWords(lo, hi) & ~UNBLOCKABLE;
  // restore_altstack: take the stack_t back unless it would change the stack in use.
  const sv = new DataView(ss.buffer);
  const alt = { sp: sv.getUint32(0, true), flags: sv.getInt32(4, true) >>> 0, size: sv.getUint32(8, true) };
  if (!onAltStack(p.sig.altstack, cpu.r[ESP] >>> 0)) {
    const flags = alt.flags & ~SS_ONSTACK;
    p.sig.altstack = (flags & SS_DISABLE) ? { sp: 0, size: 0, flags: SS_DISABLE } : { sp: alt.sp, size: alt.size, flags: flags & SS_AUTODISARM };
  }
  return cpu.r[EAX];
}
