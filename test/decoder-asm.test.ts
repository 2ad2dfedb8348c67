// Decoder and validator checks written as assembly: keystone assembles each snippet, the decoder
// must take exactly the assembled bytes as one instruction, name it, and report the fields that
// matter (address parts, immediates, branch targets, prefixes). Encodings keystone refuses or
// gets wrong are given as hex, with the SDM form they stand for. Expected values come from the
// Intel SDM, not from the decoder.

import { Instruction, Prefix, decode, formatInstruction, validate } from '../decoder/index';
import { assemble, bytesOf, hexOf, loadAssembler } from './support/asm';

/** Code is placed where a static i386 binary's text starts, so targets look like real ones. */
const ADDR = 0x0804_9000;
const [EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI] = [0, 1, 2, 3, 4, 5, 6, 7];
const [ES, CS, SS, DS, FS, GS] = [0, 1, 2, 3, 4, 5];
const [BX, BP, SI, DI] = [3, 5, 6, 7]; // 16-bit addressing names the same register numbers

/** The fields a case may pin down; `target` and `flow` are derived views. */
interface Fields {
  base: number; index: number; scale: number; disp: number; imm: number; imm2: number; seg: number;
  opsize: number; adsize: number; prefixes: number; target: number; opcodeReg: number; hasMem: boolean; flow: string;
}

interface Case {
  /** Intel-syntax source: assembled by keystone unless `hex` is given (then it documents the bytes). */
  readonly asm: string;
  readonly hex?: string;
  readonly mnemonic: string;
  readonly fields?: Partial<Fields>;
  /** Expected formatInstruction text, for a handful of cases. */
  readonly text?: string;
}

const k = (asm: string, mnemonic: string, fields?: Partial<Fields>, text?: string): Case => ({ asm, mnemonic, fields, text });
const h = (hex: string, asm: string, mnemonic: string, fields?: Partial<Fields>, text?: string): Case => ({ asm, hex, mnemonic, fields, text });
const at = (delta: number) => `0x${(ADDR + delta).toString(16)}`;

const PREFIX_CASES: Case[] = [
  k('mov ax, bx', 'mov', { opsize: 16, prefixes: Prefix.OpSize }),
  k('add ax, 0x1234', 'add', { opsize: 16, imm: 0x1234 }),
  k('push ax', 'push', { opsize: 16, opcodeReg: EAX }),
  k('mov ax, word ptr [bx + si + 4]', 'mov', { opsize: 16, adsize: 16, base: BX, index: SI, disp: 4 }, 'mov ax, word ptr [bx + si + 4]'),
  k('mov eax, dword ptr [bp + di - 2]', 'mov', { adsize: 16, base: BP, index: DI, disp: -2 }),
  k('mov eax, dword ptr [bp]', 'mov', { adsize: 16, base: BP, index: -1, disp: 0 }),
  h('67 8b 06 34 12', 'mov eax, dword ptr [0x1234] (16-bit disp16, mod 0 r/m 6)', 'mov', { adsize: 16, base: -1, index: -1, disp: 0x1234 }),
  h('67 8b 86 00 ff', 'mov eax, dword ptr [bp - 0x100] (disp16 sign-extended)', 'mov', { adsize: 16, base: BP, disp: -0x100 }),
  h('67 a1 34 12', 'mov eax, ds:[0x1234] (moffs16 under 67)', 'mov', { adsize: 16, imm: 0x1234 }),
  h('67 a4', 'movsb with 16-bit addressing (SI/DI)', 'movsb', { adsize: 16 }, 'movsb byte ptr es:[di], byte ptr ds:[si]'),
  k('mov eax, dword ptr fs:[0x10]', 'mov', { seg: FS, imm: 0x10 }, 'mov eax, dword ptr fs:[0x10]'),
  k('mov eax, dword ptr gs:[eax]', 'mov', { seg: GS, base: EAX }),
  k('mov eax, dword ptr es:[ebx + 4]', 'mov', { seg: ES, base: EBX, disp: 4 }),
  k('mov eax, dword ptr cs:[ecx]', 'mov', { seg: CS, base: ECX }),
  h('36 8b 04 24', 'mov eax, dword ptr ss:[esp]', 'mov', { seg: SS, base: ESP }),
  h('3e 8b 45 00', 'mov eax, dword ptr ds:[ebp]', 'mov', { seg: DS, base: EBP }),
  h('26 64 8b 00', 'es fs mov eax, [eax]: the last segment override wins', 'mov', { seg: FS }),
  k('rep movsb', 'movsb', { prefixes: Prefix.Rep }),
  k('rep stosd', 'stosd', { prefixes: Prefix.Rep }, 'rep stosd dword ptr es:[edi], eax'),
  k('repne scasb', 'scasb', { prefixes: Prefix.Repne }),
  k('repe cmpsb', 'cmpsb', { prefixes: Prefix.Rep }),
  h('f3 f2 a6', 'rep repne cmpsb: F2 and F3 share a group, the last one counts', 'cmpsb', { prefixes: Prefix.Repne }),
  k('lock add dword ptr [eax], ebx', 'add', { prefixes: Prefix.Lock, base: EAX }, 'lock add dword ptr [eax], ebx'),
  k('lock inc dword ptr [eax]', 'inc', { prefixes: Prefix.Lock }),
  k('lock bts dword ptr [eax], 3', 'bts', { prefixes: Prefix.Lock, imm: 3 }),
  h('66'.repeat(14) + '90', 'fourteen 66 prefixes + nop: 15 bytes is still legal', 'nop', { opsize: 16 }),
];

const MODRM_CASES: Case[] = [
  k('mov eax, dword ptr [eax]', 'mov', { base: EAX, index: -1, disp: 0, hasMem: true }),
  k('mov eax, ebx', 'mov', { hasMem: false }),
  k('mov eax, dword ptr [esp]', 'mov', { base: ESP, index: -1 }),
  k('mov eax, dword ptr [ebp]', 'mov', { base: EBP, disp: 0 }),
  k('mov ecx, dword ptr [0x12345678]', 'mov', { base: -1, index: -1, disp: 0x12345678 }),
  k('mov eax, dword ptr [esi*8 + 0x100]', 'mov', { base: -1, index: ESI, scale: 8, disp: 0x100 }),
  k('lea eax, [ebp + esi*4 - 8]', 'lea', { base: EBP, index: ESI, scale: 4, disp: -8 }, 'lea eax, [ebp + esi*4 - 8]'),
  k('mov eax, dword ptr [eax + ebx*2 + 0x12345678]', 'mov', { base: EAX, index: EBX, scale: 2, disp: 0x12345678 }),
  k('mov ecx, dword ptr [esp - 4]', 'mov', { base: ESP, disp: -4 }),
  k('mov eax, dword ptr [ebx + ecx]', 'mov', { base: EBX, index: ECX, scale: 1 }),
  k('mov dword ptr [edi + 0x7f], 0x11', 'mov', { base: EDI, disp: 0x7f, imm: 0x11 }),
  k('mov byte ptr [esi - 0x80], 0xff', 'mov', { base: ESI, disp: -0x80, imm: 0xff }),
  h('8b 44 25 08', 'mov eax, [ebp + 8] through a SIB byte with no index', 'mov', { base: EBP, index: -1, disp: 8 }),
  h('8b 04 25 f0 ff ff ff', 'mov eax, [0xfffffff0]: SIB with neither base nor index', 'mov', { base: -1, index: -1, disp: -16 }),
  h('8b 84 24 00 01 00 00', 'mov eax, [esp + 0x100] with disp32', 'mov', { base: ESP, disp: 0x100 }),
  k('movzx eax, byte ptr [eax]', 'movzx', { base: EAX }, 'movzx eax, byte ptr [eax]'),
  k('movsx eax, word ptr [edx]', 'movsx', { base: EDX }),
];

const IMMEDIATE_CASES: Case[] = [
  k('mov al, 0xff', 'mov', { imm: 0xff }),
  k('mov ax, 0xffff', 'mov', { imm: 0xffff, opsize: 16 }),
  k('mov eax, 0xdeadbeef', 'mov', { imm: 0xdeadbeef }),
  k('add eax, -1', 'add', { imm: -1 }),
  k('add ecx, 0x12345678', 'add', { imm: 0x12345678 }),
  k('and ax, 0x7f', 'and', { imm: 0x7f, opsize: 16 }),
  k('test al, 0x80', 'test', { imm: 0x80 }),
  k('push 0x12', 'push', { imm: 0x12 }),
  k('push -0x80', 'push', { imm: -0x80 }, 'push -0x80'),
  k('push 0x1234', 'push', { imm: 0x1234 }),
  h('66 68 34 12', 'push 0x1234 with a 16-bit immediate (Iz under 66)', 'push', { imm: 0x1234, opsize: 16 }),
  k('imul eax, ecx, 100', 'imul', { imm: 100 }),
  h('6b c1 ff', 'imul eax, ecx, -1 (6B ib is sign-extended)', 'imul', { imm: -1 }),
  k('imul eax, ecx, 1000', 'imul', { imm: 1000 }),
  k('enter 0x10, 1', 'enter', { imm: 0x10, imm2: 1 }),
  k('ret 8', 'ret', { imm: 8, flow: 'ret' }),
  k('int 0x80', 'int', { imm: 0x80 }),
  k('sar eax, 3', 'sar', { imm: 3 }),
  k('shl eax, 1', 'shl', { imm: 0 }),
  k('aad 10', 'aad', { imm: 10 }),
  k('mov al, byte ptr [0x10]', 'mov', { imm: 0x10 }),
  h('ea 00 10 00 00 23 00', 'ljmp 0x23:0x1000 (ptr16:32)', 'ljmp', { imm: 0x1000, imm2: 0x23 }, 'ljmp 0x23:0x1000'),
  h('66 ea 00 10 23 00', 'ljmp 0x23:0x1000 (ptr16:16 under 66)', 'ljmp', { imm: 0x1000, imm2: 0x23 }),
];

const BRANCH_CASES: Case[] = [
  k(`jmp ${at(0)}`, 'jmp', { imm: -2, target: ADDR, flow: 'jump' }),
  k(`jmp ${at(0x82)}`, 'jmp', { target: ADDR + 0x82 }),
  k(`jmp ${at(-0x80)}`, 'jmp', { target: ADDR - 0x80 }),
  k(`jne ${at(0x100)}`, 'jne', { target: ADDR + 0x100, flow: 'jcc' }, `jne ${at(0x100)}`),
  k(`je ${at(-0x800)}`, 'je', { target: ADDR - 0x800 }),
  k(`call ${at(0x1000)}`, 'call', { target: ADDR + 0x1000, flow: 'call' }),
  k(`call ${at(5)}`, 'call', { imm: 0, target: ADDR + 5 }),
  k(`loop ${at(0)}`, 'loop', { target: ADDR, flow: 'jcc' }),
  k(`jecxz ${at(0x10)}`, 'jecxz', { target: ADDR + 0x10 }),
  h('67 e3 00', 'jcxz $+3 (67 picks CX)', 'jcxz', { target: ADDR + 3 }),
  // Under 66 the CPU truncates EIP to 16 bits after the jump (SDM Vol. 2A, JMP).
  h('66 e9 fc ef', 'jmp rel16 under 66', 'jmp', { target: (ADDR + 4 - 0x1004) & 0xffff }),
  k('jmp eax', 'jmp', { flow: 'ijump' }),
  k('call dword ptr [eax + 4]', 'call', { flow: 'icall', base: EAX, disp: 4 }),
  k('jmp dword ptr [ebx*4 + 0x8000]', 'jmp', { flow: 'ijump', index: EBX, scale: 4, disp: 0x8000 }),
];

const MISC_CASES: Case[] = [
  k('movsb', 'movsb'), k('movs dword ptr es:[edi], dword ptr [esi]', 'movsd'), k('cmpsw', 'cmpsw', { opsize: 16 }),
  k('stosb', 'stosb'), k('lodsd', 'lodsd'), k('scasb', 'scasb'),
  k('fld qword ptr [eax]', 'fld', { base: EAX }), k('fld dword ptr [esp + 4]', 'fld', { disp: 4 }),
  k('fld tbyte ptr [esp]', 'fld'), k('fld st(1)', 'fld'), k('fstp qword ptr [esp]', 'fstp'),
  k('fstp st(3)', 'fstp', {}, 'fstp st(3)'), k('fistp dword ptr [esp]', 'fistp'), k('fistp qword ptr [esp]', 'fistp'),
  k('fnstsw ax', 'fnstsw', {}, 'fnstsw ax'), k('fnstsw word ptr [eax]', 'fnstsw'), k('fnstcw word ptr [esp]', 'fnstcw'),
  k('fldcw word ptr [esp]', 'fldcw'), k('fild qword ptr [eax]', 'fild'), k('fxch st(1)', 'fxch'),
  k('faddp st(1)', 'faddp'), k('fucomi st(0), st(1)', 'fucomi'), k('fld1', 'fld1'), k('fldz', 'fldz'), k('fchs', 'fchs'),
  k('bt eax, 5', 'bt', { imm: 5 }), k('bts dword ptr [eax], ecx', 'bts'), k('btr eax, ecx', 'btr'),
  k('btc eax, 31', 'btc', { imm: 31 }), h('0f ba e0 ff', 'bt eax, 0xff (bit offset is unsigned)', 'bt', { imm: 0xff }),
  k('bsf eax, ebx', 'bsf'), k('bsr eax, dword ptr [ecx]', 'bsr', { base: ECX }),
  k('shld eax, ebx, 4', 'shld', { imm: 4 }), k('shrd eax, ebx, cl', 'shrd'),
  k('shld dword ptr [esi], ecx, 8', 'shld', { base: ESI, imm: 8 }),
  k('bswap ecx', 'bswap', { opcodeReg: ECX }), k('bswap edi', 'bswap', { opcodeReg: EDI }),
  k('cmpxchg dword ptr [ebx], ecx', 'cmpxchg', { base: EBX }), k('cmpxchg8b qword ptr [esi]', 'cmpxchg8b', { base: ESI }),
  k('lock cmpxchg8b qword ptr [esi]', 'cmpxchg8b', { prefixes: Prefix.Lock }), k('xadd dword ptr [ecx], eax', 'xadd'),
  k('lock xadd dword ptr [ecx], eax', 'xadd', { prefixes: Prefix.Lock }, 'lock xadd dword ptr [ecx], eax'),
  k('cpuid', 'cpuid'), k('rdtsc', 'rdtsc'),
  h('f3 0f 1e fb', 'endbr32', 'endbr32', { prefixes: Prefix.Rep }),
  // Keystone encodes this NOP with 0F 18 /4 (a reserved-NOP hint) instead of the SDM's 0F 1F /0.
  k('nop dword ptr [eax + eax*1 + 0]', 'nop', { base: EAX, index: EAX }),
  k('xchg eax, ecx', 'xchg'), k('cdq', 'cdq'), k('cwde', 'cwde'), h('66 98', 'cbw', 'cbw'), k('leave', 'leave'),
  k('pushfd', 'pushfd'), k('xlatb', 'xlatb'), k('int3', 'int3', { flow: 'trap' }), k('nop', 'nop'), k('pause', 'pause'),
  k('mov gs, ax', 'mov'), k('pop fs', 'pop'), k('mov eax, ds', 'mov'),
];

/** The multi-byte NOPs of SDM Vol. 2B, NOP, Table 4-12 (2 to 9 bytes). */
const SDM_NOPS = ['66 90', '0f 1f 00', '0f 1f 40 00', '0f 1f 44 00 00', '66 0f 1f 44 00 00', '0f 1f 80 00 00 00 00',
  '0f 1f 84 00 00 00 00 00', '66 0f 1f 84 00 00 00 00 00'];

/** Condition codes in encoding order (SDM Vol. 2D, B.1.4.7), as the decoder spells them. */
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
const CC_CASES: Case[] = CC.flatMap((cc) => [
  k(`j${cc} ${at(0x40)}`, `j${cc}`, { target: ADDR + 0x40, flow: 'jcc' }),
  k(`j${cc} ${at(0x4000)}`, `j${cc}`, { target: ADDR + 0x4000, flow: 'jcc' }),
  k(`set${cc} byte ptr [ebx + 1]`, `set${cc}`, { base: EBX, disp: 1 }),
  k(`cmov${cc} eax, dword ptr [esi]`, `cmov${cc}`, { base: ESI }),
]);

function fieldsOf(insn: Instruction): Fields {
  return {
    base: insn.base, index: insn.index, scale: insn.scale, disp: insn.disp, imm: insn.imm, imm2: insn.imm2,
    seg: insn.seg, opsize: insn.opsize, adsize: insn.adsize, prefixes: insn.prefixes, target: insn.target,
    opcodeReg: insn.opcodeReg, hasMem: insn.hasMem, flow: insn.row?.flow ?? '(none)',
  };
}

function bytesFor(c: Case): Uint8Array {
  return c.hex !== undefined ? bytesOf(c.hex) : assemble(c.asm, ADDR);
}

/** The bytes followed by 16 bytes of INT3: the decoder must stop at the instruction's own end. */
function padded(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 16).fill(0xcc);
  out.set(bytes);
  return out;
}

beforeAll(loadAssembler);

describe.each([
  ['prefixes', PREFIX_CASES], ['ModRM, SIB and displacements', MODRM_CASES], ['immediates', IMMEDIATE_CASES],
  ['relative and indirect branches', BRANCH_CASES], ['strings, x87, bit ops, atomics, misc', MISC_CASES],
  ['Jcc, SETcc, CMOVcc', CC_CASES],
])('decoding assembly: %s', (_group, cases) => {
  test.each(cases.map((c) => [c.asm, c]))('%s', (_name, c) => {
    const bytes = bytesFor(c);
    const insn = decode(padded(bytes), 0, ADDR);
    expect(insn.error).toBeNull();
    expect(insn.length).toBe(bytes.length);
    expect(insn.mnemonic).toBe(c.mnemonic);
    if (c.fields) expect(fieldsOf(insn)).toMatchObject(c.fields);
    if (c.text !== undefined) expect(formatInstruction(insn)).toBe(c.text);
    // The exact buffer decodes the same way: nothing depended on the padding.
    const exact = decode(bytes, 0, ADDR);
    expect([exact.error, exact.length, exact.mnemonic]).toEqual([null, bytes.length, c.mnemonic]);
  });
});

test.each(SDM_NOPS)('SDM multi-byte NOP %s is one nop of its full length', (hex) => {
  const bytes = bytesOf(hex);
  const insn = decode(padded(bytes), 0, ADDR);
  expect([insn.error, insn.length, insn.mnemonic]).toEqual([null, bytes.length, 'nop']);
  expect(validate(insn, bytes, 0)).toEqual({ ok: true, flow: 'none' });
});

interface Rejection { readonly asm: string; readonly hex?: string; readonly signal: string; readonly reason: string }
const r = (asm: string, signal: string, reason: string, hex?: string): Rejection => ({ asm, signal, reason, hex });

const REJECTED: Rejection[] = [
  r('hlt', 'SIGSEGV', 'privileged'), r('cli', 'SIGSEGV', 'privileged'), r('in al, dx', 'SIGSEGV', 'privileged'),
  r('out 0x80, al', 'SIGSEGV', 'privileged'), r('mov cr0, eax', 'SIGSEGV', 'privileged'),
  r('lgdt [eax]', 'SIGSEGV', 'privileged'), r('wrmsr', 'SIGSEGV', 'privileged'),
  r('int 0x21', 'SIGSEGV', 'int'), r('int 5 (CD 05)', 'SIGSEGV', 'int', 'cd 05'), r('int 1 (CD 01, not ICEBP)', 'SIGSEGV', 'int', 'cd 01'),
  // Keystone spells the far jump with a 66 prefix (ptr16:16); the plain ptr16:32 form is given as hex.
  r('ljmp 0x23:0x1000', 'SIGSEGV', 'far'), r('ljmp 0x23:0x1000 (EA ptr16:32)', 'SIGSEGV', 'far', 'ea 00 10 00 00 23 00'),
  r('iretd', 'SIGSEGV', 'far'), r('retf', 'SIGSEGV', 'far'),
  r('ud2', 'SIGILL', 'undefined'),
  r('lock mov [eax], eax', 'SIGILL', 'bad-lock', 'f0 89 00'), r('lock add eax, ebx', 'SIGILL', 'bad-lock'),
  r('lock bt dword ptr [eax], 3 (BT is not lockable)', 'SIGILL', 'bad-lock', 'f0 0f ba 20 03'),
  r('addps xmm0, xmm1', 'SIGILL', 'unsupported'), r('movdqa xmm0, xmm1', 'SIGILL', 'unsupported'),
  r('emms', 'SIGILL', 'unsupported'),
];

test('INT 3 and INT 4 in the two-byte form pass: Linux makes the #BP and #OF gates DPL 3', () => {
  for (const hex of ['cd 03', 'cd 04']) {
    const bytes = bytesOf(hex);
    const insn = decode(padded(bytes), 0, ADDR);
    expect(validate(insn, bytes, 0)).toEqual({ ok: true, flow: 'trap' });
  }
});

describe('validating assembly', () => {
  test.each(REJECTED.map((c) => [c.asm, c]))('%s is rejected', (_name, c) => {
    const bytes = c.hex !== undefined ? bytesOf(c.hex) : assemble(c.asm, ADDR);
    const insn = decode(bytes, 0, ADDR);
    const verdict = validate(insn, bytes, 0);
    expect(verdict).toMatchObject({ ok: false, signal: c.signal, reason: c.reason });
  });

  test.each([
    ['int 0x80', 'syscall'], ['mov gs, ax', 'none'], ['pop fs', 'none'], ['tzcnt eax, ebx', 'none'],
    ['lock add dword ptr [eax], ebx', 'none'], ['jmp eax', 'ijump'], ['int3', 'trap'], [`call ${at(0x10)}`, 'call'],
  ])('%s is allowed with flow %s', (asm, flow) => {
    const bytes = assemble(asm, ADDR);
    expect(validate(decode(bytes, 0, ADDR), bytes, 0)).toEqual({ ok: true, flow });
  });

  test('tzcnt decodes as TZCNT but is allowed without BMI1 (it runs as BSF)', () => {
    const bytes = assemble('tzcnt eax, ebx', ADDR);
    expect(hexOf(bytes)).toBe('f3 0f bc c3');
    expect(decode(bytes, 0, ADDR).mnemonic).toBe('tzcnt');
  });

  test('an SSE rejection names the address, the bytes and the mnemonic', () => {
    const bytes = assemble('addps xmm0, xmm1', ADDR);
    const verdict = validate(decode(bytes, 0, ADDR), bytes, 0);
    if (verdict.ok) throw new Error('addps was allowed');
    expect(verdict.message).toContain(`0x${ADDR.toString(16)}`);
    expect(verdict.message).toContain(hexOf(bytes));
    expect(verdict.message).toContain('addps');
  });

  test('the same SSE form is allowed once the tenant CPU reports SSE', () => {
    const bytes = assemble('addps xmm0, xmm1', ADDR);
    expect(validate(decode(bytes, 0, ADDR), bytes, 0, new Set(['base', 'sse']))).toEqual({ ok: true, flow: 'none' });
  });
});
