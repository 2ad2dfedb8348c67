// String instructions through the whole translator: MOVS STOS LODS CMPS SCAS with and without
// REP/REPE/REPNE, the direction flag, 16-bit addressing, segment overrides, page crossings,
// faults in the middle of a REP (precise registers), writes over translated code, and REP
// instructions longer than the budget (interrupted and resumed, SDM Vol. 2B "REP").

import type { Machine } from '../src/engine/machine';
import { Perm } from '../src/memory/arena';
import { CODE, DATA, guest, loadAssembler, runToStop } from './support/guest';

beforeAll(loadAssembler);

const CF = 0x1, ZF = 0x40, SF = 0x80, DF = 0x400;
const SIGSEGV = 11;
const EAX = 0, ECX = 1, EBX = 3, ESI = 6, EDI = 7;

/** Two 16 KiB read/write areas away from the harness's pages. */
const SRC = 0x0040_0000, DST = 0x0050_0000;

function machine(code: string, regs: Record<number, number> = {}): Machine {
  const m = guest(`${code}; int 0x80`);
  m.memory.map(SRC, 0x4000, Perm.Read | Perm.Write);
  m.memory.map(DST, 0x4000, Perm.Read | Perm.Write);
  for (const [r, v] of Object.entries(regs)) m.setReg(Number(r), v);
  return m;
}

function finish(m: Machine): Machine {
  expect(runToStop(m)).toEqual({ kind: 'syscall' });
  return m;
}

/** Fills guest bytes [a, a+n) with a recognisable pattern. */
function pattern(m: Machine, a: number, n: number, seed = 7): void {
  for (let i = 0; i < n; i++) m.memory.u8[a + i] = (i * 31 + seed) & 0xff;
}

function bytes(m: Machine, a: number, n: number): number[] {
  return Array.from(m.memory.u8.subarray(a, a + n));
}

function ascii(m: Machine, a: number, s: string): void {
  for (let i = 0; i < s.length; i++) m.memory.u8[a + i] = s.charCodeAt(i);
}

describe('MOVS', () => {
  test('REP MOVSB copies across page boundaries and leaves ECX = 0, ESI/EDI past the end', () => {
    const m = machine('rep movsb', { [ESI]: SRC + 0x800, [EDI]: DST + 0x300, [ECX]: 5000 });
    pattern(m, SRC + 0x800, 5000);
    finish(m);
    expect(bytes(m, DST + 0x300, 5000)).toEqual(bytes(m, SRC + 0x800, 5000));
    expect(m.memory.u8[DST + 0x300 + 5000]).toBe(0);
    expect([m.reg(ECX), m.reg(ESI), m.reg(EDI)]).toEqual([0, SRC + 0x800 + 5000, DST + 0x300 + 5000]);
  });

  test('a short REP MOVSD (element by element) across a page boundary', () => {
    const m = machine('rep movsd dword ptr es:[edi], dword ptr [esi]', { [ESI]: SRC + 0xff2, [EDI]: DST + 0xffa, [ECX]: 5 });
    pattern(m, SRC + 0xff2, 20);
    finish(m);
    expect(bytes(m, DST + 0xffa, 20)).toEqual(bytes(m, SRC + 0xff2, 20));
    expect([m.reg(ECX), m.reg(ESI), m.reg(EDI)]).toEqual([0, SRC + 0xff2 + 20, DST + 0xffa + 20]);
  });

  test('a single MOVSW / MOVSB steps by the size; F2 on MOVS is a REP too', () => {
    let m = machine('movsw; movsb', { [ESI]: SRC, [EDI]: DST, [ECX]: 9 });
    pattern(m, SRC, 4);
    finish(m);
    expect(bytes(m, DST, 4)).toEqual([...bytes(m, SRC, 3), 0]);
    expect([m.reg(ESI), m.reg(EDI), m.reg(ECX)]).toEqual([SRC + 3, DST + 3, 9]);
    m = machine('.byte 0xf2, 0xa4', { [ESI]: SRC, [EDI]: DST, [ECX]: 3 });
    pattern(m, SRC, 4);
    finish(m);
    expect(bytes(m, DST, 4)).toEqual([...bytes(m, SRC, 3), 0]);
    expect(m.reg(ECX)).toBe(0);
  });

  test('with ECX = 0 a REP does nothing: no copy, no register or flag change', () => {
    const m = machine('cmp eax, eax; stc; rep movsb', { [ESI]: SRC, [EDI]: DST, [ECX]: 0 });
    pattern(m, SRC, 4);
    finish(m);
    expect(bytes(m, DST, 4)).toEqual([0, 0, 0, 0]);
    expect([m.reg(ESI), m.reg(EDI), m.reg(ECX)]).toEqual([SRC, DST, 0]);
    expect(m.cpu.eflags & (CF | ZF)).toBe(CF | ZF);
  });

  test('STD: MOVSD steps down, single and repeated; CLD restores', () => {
    let m = machine('std; movsd dword ptr es:[edi], dword ptr [esi]', { [ESI]: SRC + 8, [EDI]: DST + 8 });
    m.memory.view.setUint32(SRC + 8, 0x11223344, true);
    finish(m);
    expect(m.memory.view.getUint32(DST + 8, true)).toBe(0x11223344);
    expect([m.reg(ESI), m.reg(EDI)]).toEqual([SRC + 4, DST + 4]);
    expect(m.cpu.eflags & DF).toBe(DF);
    m = machine('std; rep movsd dword ptr es:[edi], dword ptr [esi]; cld', { [ESI]: SRC + 396, [EDI]: DST + 396, [ECX]: 100 });
    pattern(m, SRC, 400);
    finish(m);
    expect(bytes(m, DST, 400)).toEqual(bytes(m, SRC, 400));
    expect([m.reg(ESI), m.reg(EDI), m.reg(ECX)]).toEqual([SRC - 4, DST - 4, 0]);
    expect(m.cpu.eflags & DF).toBe(0);
  });

  test('overlapping copies behave element by element (forward smear, backward move)', () => {
    // Forward with the destination one byte above the source: every byte becomes the first.
    let m = machine('rep movsb', { [ESI]: SRC, [EDI]: SRC + 1, [ECX]: 64 });
    pattern(m, SRC, 65);
    const first = m.memory.u8[SRC];
    finish(m);
    expect(bytes(m, SRC, 65)).toEqual(new Array(65).fill(first));
    // Backward (STD) with the destination above the source is a memmove.
    m = machine('std; rep movsb; cld', { [ESI]: SRC + 63, [EDI]: SRC + 4 + 63, [ECX]: 64 });
    pattern(m, SRC, 64);
    const before = bytes(m, SRC, 64);
    finish(m);
    expect(bytes(m, SRC + 4, 64)).toEqual(before);
  });

  test('a fault in the middle of REP MOVSB stops at that element with precise registers', () => {
    const m = guest('rep movsb; int 0x80');
    m.setReg(ESI, DATA); m.setReg(EDI, DATA + 0x1000 - 10); m.setReg(ECX, 40);
    pattern(m, DATA, 40);
    const r = runToStop(m);
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: DATA + 0x1000, eip: CODE });
    expect([m.reg(ECX), m.reg(ESI), m.reg(EDI)]).toEqual([30, DATA + 10, DATA + 0x1000]);
    expect(bytes(m, DATA + 0x1000 - 10, 10)).toEqual(bytes(m, DATA, 10));
  });

  test('the source segment override (FS with a TLS base) is honoured', () => {
    const m = machine('mov ax, 0x63; mov fs, ax; .byte 0x64, 0xf3, 0xa4; .byte 0x64, 0xac', { [ESI]: 0x10, [EDI]: DST, [ECX]: 20 });
    m.cpu.tls.set(12, SRC);
    pattern(m, SRC, 0x30);
    finish(m);
    expect(bytes(m, DST, 20)).toEqual(bytes(m, SRC + 0x10, 20));
    expect(m.reg(EAX) & 0xff).toBe(m.memory.u8[SRC + 0x10 + 20]); // FS: LODSB read the next one
    expect(m.reg(ESI)).toBe(0x10 + 21);
  });

  test('a 67 prefix uses SI, DI and CX and wraps them at 64 KiB', () => {
    const m = machine('.byte 0x67, 0xf3, 0xa4', { [ESI]: 0x1234ffff, [EDI]: 0x56780200, [ECX]: 0xabcd0003 });
    m.memory.map(0, 0x10000, Perm.Read | Perm.Write);
    m.memory.u8[0xffff] = 0xa1; m.memory.u8[0] = 0xa2; m.memory.u8[1] = 0xa3;
    finish(m);
    expect(bytes(m, 0x200, 3)).toEqual([0xa1, 0xa2, 0xa3]);
    expect([m.reg(ECX), m.reg(ESI), m.reg(EDI)]).toEqual([0xabcd0000, 0x12340002, 0x56780203]);
  });
});

describe('STOS and LODS', () => {
  test('REP STOSD fills across pages', () => {
    const m = machine('rep stosd', { [EAX]: 0xdeadbeef, [EDI]: DST + 0x10, [ECX]: 3000 });
    finish(m);
    for (let i = 0; i < 3000; i++) expect(m.memory.view.getUint32(DST + 0x10 + 4 * i, true)).toBe(0xdeadbeef);
    expect(m.memory.view.getUint32(DST + 0x10 + 12000, true)).toBe(0);
    expect([m.reg(ECX), m.reg(EDI)]).toEqual([0, DST + 0x10 + 12000]);
  });

  test('REP STOSW with DF = 1 and an unaligned start, and REP STOSB', () => {
    let m = machine('std; rep stosw; cld', { [EAX]: 0x1234abcd, [EDI]: DST + 0x101, [ECX]: 40 });
    finish(m);
    for (let i = 0; i < 40; i++) expect(m.memory.view.getUint16(DST + 0x101 - 2 * i, true)).toBe(0xabcd);
    expect(m.memory.u8[DST + 0x101 - 80 + 1]).toBe(0);
    expect(m.reg(EDI)).toBe(DST + 0x101 - 80);
    m = machine('rep stosb', { [EAX]: 0x7f, [EDI]: DST, [ECX]: 17 });
    finish(m);
    expect(bytes(m, DST, 18)).toEqual([...new Array(17).fill(0x7f), 0]);
  });

  test('a REP STOSD running into a read-only page faults at the first element there', () => {
    const m = machine('rep stosd', { [EAX]: 0x01010101, [EDI]: DST + 0x1000 - 8, [ECX]: 100 });
    m.memory.protect(DST + 0x1000, 0x1000, Perm.Read);
    const r = runToStop(m);
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: DST + 0x1000, code: 2, eip: CODE });
    expect([m.reg(ECX), m.reg(EDI)]).toEqual([98, DST + 0x1000]);
    expect(m.memory.view.getUint32(DST + 0x1000 - 4, true)).toBe(0x01010101);
  });

  test('ECX of 2^31 or more is an unsigned count: REP STOSB runs on until it faults', () => {
    const m = machine('rep stosb', { [EAX]: 0x5a, [EDI]: DST + 0x4000 - 100, [ECX]: 0x80000010 });
    expect(runToStop(m)).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: DST + 0x4000, eip: CODE });
    expect([m.reg(ECX), m.reg(EDI)]).toEqual([0x80000010 - 100, DST + 0x4000]);
    expect(m.memory.u8[DST + 0x4000 - 1]).toBe(0x5a);
  });

  test('REP MOVSW (66 prefix) copies words', () => {
    const m = machine('rep movsw', { [ESI]: SRC, [EDI]: DST, [ECX]: 3 }); // 66 sizes the elements, not ECX
    pattern(m, SRC, 8);
    finish(m);
    expect(bytes(m, DST, 8)).toEqual([...bytes(m, SRC, 6), 0, 0]);
    expect([m.reg(ECX), m.reg(ESI), m.reg(EDI)]).toEqual([0, SRC + 6, DST + 6]);
  });

  test('LODSB/LODSW/LODSD load the accumulator; REP LODSB leaves the last element', () => {
    let m = machine('lodsb; mov bl, al; lodsw; mov cx, ax; lodsd', { [ESI]: SRC, [EAX]: 0xffffffff, [ECX]: 0x55550000 });
    pattern(m, SRC, 7);
    finish(m);
    expect(m.reg(EBX) & 0xff).toBe(m.memory.u8[SRC]);
    expect(m.reg(ECX)).toBe(0x55550000 | m.memory.view.getUint16(SRC + 1, true));
    expect(m.reg(EAX)).toBe(m.memory.view.getUint32(SRC + 3, true));
    expect(m.reg(ESI)).toBe(SRC + 7);
    m = machine('rep lodsb', { [ESI]: SRC, [EAX]: 0x12345678, [ECX]: 5 });
    pattern(m, SRC, 5);
    finish(m);
    expect(m.reg(EAX)).toBe(0x12345600 | m.memory.u8[SRC + 4]);
    expect([m.reg(ECX), m.reg(ESI)]).toEqual([0, SRC + 5]);
  });
});

describe('CMPS and SCAS', () => {
  test('REPE CMPSB stops at the first difference with the flags of that comparison', () => {
    const m = machine('repe cmpsb', { [ESI]: SRC, [EDI]: DST, [ECX]: 6 });
    ascii(m, SRC, 'abcdef'); ascii(m, DST, 'abcxef');
    finish(m);
    expect([m.reg(ECX), m.reg(ESI), m.reg(EDI)]).toEqual([2, SRC + 4, DST + 4]);
    expect(m.cpu.eflags & (ZF | CF | SF)).toBe(CF | SF); // 'd' - 'x'
  });

  test('REPE CMPSB over equal strings runs out the count with ZF = 1', () => {
    const m = machine('repe cmpsb', { [ESI]: SRC, [EDI]: DST, [ECX]: 6 });
    ascii(m, SRC, 'abcdef'); ascii(m, DST, 'abcdef');
    finish(m);
    expect([m.reg(ECX), m.reg(ESI)]).toEqual([0, SRC + 6]);
    expect(m.cpu.eflags & ZF).toBe(ZF);
  });

  test('REPNE CMPSD stops at the first equal pair', () => {
    const m = machine('repne cmpsd dword ptr [esi], dword ptr es:[edi]', { [ESI]: SRC, [EDI]: DST, [ECX]: 10 });
    for (let i = 0; i < 10; i++) {
      m.memory.view.setUint32(SRC + 4 * i, i, true);
      m.memory.view.setUint32(DST + 4 * i, i === 3 ? 3 : 100 + i, true);
    }
    finish(m);
    expect([m.reg(ECX), m.reg(ESI), m.reg(EDI)]).toEqual([6, SRC + 16, DST + 16]);
    expect(m.cpu.eflags & ZF).toBe(ZF);
  });

  test('REPE CMPSB with ECX = 0 changes no flag', () => {
    const m = machine('stc; mov eax, 1; cmp eax, 2; repe cmpsb', { [ESI]: SRC, [EDI]: DST, [ECX]: 0 });
    finish(m);
    expect(m.cpu.eflags & (CF | ZF | SF)).toBe(CF | SF); // still 1 - 2
    expect([m.reg(ESI), m.reg(EDI)]).toEqual([SRC, DST]);
  });

  test('a single CMPSB compares [ESI] - [EDI]; SCASW compares AX - [EDI]', () => {
    let m = machine('cmpsb', { [ESI]: SRC, [EDI]: DST });
    m.memory.u8[SRC] = 1; m.memory.u8[DST] = 2;
    finish(m);
    expect(m.cpu.eflags & (CF | ZF | SF)).toBe(CF | SF);
    expect([m.reg(ESI), m.reg(EDI)]).toEqual([SRC + 1, DST + 1]);
    m = machine('scasw', { [EDI]: DST, [EAX]: 0xffff1234 });
    m.memory.view.setUint16(DST, 0x1234, true);
    finish(m);
    expect(m.cpu.eflags & ZF).toBe(ZF);
    expect(m.reg(EDI)).toBe(DST + 2);
  });

  test('REPNE SCASB is strlen', () => {
    const m = machine('mov ecx, -1; xor al, al; repne scasb; not ecx; dec ecx', { [EDI]: SRC + 0xff0 });
    ascii(m, SRC + 0xff0, 'hello, page-crossing world\0');
    finish(m);
    expect(m.reg(ECX)).toBe(26);
    expect(m.reg(EDI)).toBe(SRC + 0xff0 + 27);
  });

  test('REPE SCASD skips a run of equal dwords', () => {
    const m = machine('repe scasd', { [EDI]: DST, [EAX]: 0xaaaaaaaa, [ECX]: 50 });
    for (let i = 0; i < 20; i++) m.memory.view.setUint32(DST + 4 * i, 0xaaaaaaaa, true);
    finish(m);
    expect([m.reg(ECX), m.reg(EDI)]).toEqual([50 - 21, DST + 84]);
    expect(m.cpu.eflags & (ZF | CF)).toBe(0); // 0xaaaaaaaa - 0 (no borrow)
  });
});

describe('REP and the budget', () => {
  test('REP MOVSB of 10,000,000 bytes under run(100000): interrupted, resumed, exact', () => {
    const N = 10_000_000, A = 0x0100_0000, B = 0x0200_0000;
    const m = guest('rep movsb; mov ebx, 1; int 0x80');
    m.memory.map(A, N, Perm.Read | Perm.Write);
    m.memory.map(B, N, Perm.Read | Perm.Write);
    for (let i = 0; i < N; i += 4093) m.memory.u8[A + i] = (i >>> 12) & 0xff | 1;
    m.setReg(ESI, A); m.setReg(EDI, B); m.setReg(ECX, N);
    let slices = 0, last = N;
    for (;;) {
      const r = m.run(100_000);
      if (r.kind === 'syscall') break;
      expect(r).toEqual({ kind: 'budget' });
      slices++;
      const ecx = m.reg(ECX);
      expect(ecx).toBeLessThan(last);
      expect(last - ecx).toBeLessThanOrEqual(100_000);
      expect(m.eip).toBe(CODE); // interrupted between iterations: EIP still at the REP
      expect(m.reg(ESI) - A).toBe(N - ecx);
      last = ecx;
      if (slices > 200) throw new Error('REP MOVSB did not finish');
    }
    expect(slices).toBeGreaterThanOrEqual(99);
    expect([m.reg(ECX), m.reg(ESI), m.reg(EDI), m.reg(EBX)]).toEqual([0, A + N, B + N, 1]);
    for (let i = 0; i < N; i += 4093) expect(m.memory.u8[B + i]).toBe((i >>> 12) & 0xff | 1);
    expect(m.memory.u8.subarray(B, B + N).reduce((a, x) => a + x, 0)).toBe(m.memory.u8.subarray(A, A + N).reduce((a, x) => a + x, 0));
  });

  test('an interrupted REPE CMPSD resumes and stops at the difference', () => {
    const m = guest('repe cmpsd dword ptr [esi], dword ptr es:[edi]; int 0x80');
    m.memory.map(SRC, 0x10000, Perm.Read | Perm.Write);
    m.memory.map(DST, 0x10000, Perm.Read | Perm.Write);
    m.memory.view.setUint32(DST + 4 * 9000, 1, true); // element 9000 differs
    m.setReg(ESI, SRC); m.setReg(EDI, DST); m.setReg(ECX, 12000);
    let budgets = 0;
    for (let r = m.run(1000); r.kind !== 'syscall'; r = m.run(1000)) {
      expect(r).toEqual({ kind: 'budget' });
      budgets++;
    }
    expect(budgets).toBeGreaterThanOrEqual(9);
    expect([m.reg(ECX), m.reg(ESI), m.reg(EDI)]).toEqual([12000 - 9001, SRC + 4 * 9001, DST + 4 * 9001]);
    expect(m.cpu.eflags & (ZF | CF)).toBe(CF); // 0 - 1
  });
});

describe('writes over translated code', () => {
  // The REP STOSB turns the NOPs after it (same block) into INC EAX: they must run as the new code.
  for (const count of [20, 4]) {
    test(`REP STOSB of ${count} bytes over the rest of its own block`, () => {
      const nops = new Array(count).fill('nop').join('; ');
      // mov edi (5) + mov ecx (5) + mov eax (5) + rep stosb (2): the NOPs start at CODE + 17.
      const m = guest(`mov edi, ${CODE + 17}; mov ecx, ${count}; mov eax, 0x40; rep stosb; ${nops}; int 0x80`, { codePerm: Perm.Write });
      expect(runToStop(m)).toEqual({ kind: 'syscall' });
      expect(m.reg(EAX)).toBe(0x40 + count);
    });
  }
});
