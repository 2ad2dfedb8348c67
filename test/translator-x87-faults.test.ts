// Page faults of the x87 memory operands wider than one 4-byte access (m64, m80, BCD, the
// FNSTENV/FLDENV and FNSAVE/FRSTOR images), which the semantics do as several parts: each must
// fault exactly as one access of its full width would (SDM Vol. 3A 6.15, #PF: CR2 holds the
// first inaccessible byte). A store checks the whole range before writing anything and reports
// its lowest byte without write permission (SEGV_ACCERR on a mapped read-only page, SEGV_MAPERR
// on an unmapped one), leaving memory and the FPU as they were; a load reports its lowest byte
// without read permission, even where its parts skip bytes (the FLDENV/FRSTOR fields). Expected
// outcomes are the reference emulator's (Unicorn 2) and the differential harness's.

import type { Machine } from '../src/engine/machine';
import { Perm } from '../src/memory/arena';
import { assemble, bytesOf } from './support/asm';
import { CODE, DATA, guest, loadAssembler, runToStop } from './support/guest';

beforeAll(loadAssembler);

const SIGSEGV = 11, SEGV_MAPERR = 1, SEGV_ACCERR = 2;
/** A page with the permission under test, followed by an unmapped one. */
const PAGE = 0x0030_0000, GAP = PAGE + 0x1000;

/** Prepares a non-trivial FPU state: ST0 = pi, ST1 = +inf (ZE set by 1/0), ST2 = 0. */
const PRELUDE = 'fldz; fld1; fdiv st(0), st(1); fldpi';

/** The whole FPU state, for comparing before and after a faulting instruction. */
function fpuState(m: Machine): unknown {
  const f = m.cpu.fpu;
  return {
    regs: [...f.signExp].map((se, p) => `${se.toString(16)}:${f.mantHi[p].toString(16)}:${f.mantLo[p].toString(16)}`),
    tag: f.tag, control: f.control, status: f.statusWord,
  };
}

/** A guest running PRELUDE, then setting EBP, then `tail` (bytes or assembly), then int 0x80. */
function program(ebp: number, tail: string | Uint8Array): Uint8Array {
  const head = assemble(`${PRELUDE}; mov ebp, ${ebp}`, CODE);
  const body = typeof tail === 'string' ? assemble(tail, CODE + head.length) : tail;
  const end = bytesOf('cd 80');
  const out = new Uint8Array(head.length + body.length + end.length);
  out.set(head);
  out.set(body, head.length);
  out.set(end, head.length + body.length);
  return out;
}

/** The FPU state after PRELUDE alone. */
function stateAfterPrelude(): unknown {
  const m = guest(`${PRELUDE}; int 0x80`);
  expect(runToStop(m)).toEqual({ kind: 'syscall' });
  return fpuState(m);
}

/** Maps PAGE with `perm` (filled with a pattern) and leaves GAP unmapped. */
function withPage(m: Machine, perm: Perm): Uint8Array {
  m.memory.map(PAGE, 0x1000, perm);
  for (let i = 0; i < 0x1000; i++) m.memory.u8[PAGE + i] = (i * 37 + 11) & 0xff;
  expect(m.memory.check(GAP, 1, Perm.Read)).toBe(false);
  return m.memory.u8.slice(PAGE, PAGE + 0x1000);
}

describe('stores straddling a read-only page and an unmapped one', () => {
  // [name, instruction at EBP, operand size]
  const cases: [string, string | Uint8Array, number][] = [
    ['fstp tbyte', 'fstp tbyte ptr [ebp]', 10],
    ['fst qword', 'fst qword ptr [ebp]', 8],
    ['fstp qword', 'fstp qword ptr [ebp]', 8],
    ['fistp qword', 'fistp qword ptr [ebp]', 8],
    ['fbstp', 'fbstp tbyte ptr [ebp]', 10],
    ['fnsave', 'fnsave [ebp]', 108],
    ['fnsave (16-bit image)', bytesOf('66 dd 75 00'), 94],
    ['fnstenv', 'fnstenv [ebp]', 28],
    ['fnstenv (16-bit image)', bytesOf('66 d9 75 00'), 14],
  ];
  for (const [name, insn, size] of cases) {
    for (const inPage of [1, 4, size - 1]) {
      if (inPage >= size) continue;
      test(`${name} with ${inPage} byte(s) on the read-only page faults at its first byte, SEGV_ACCERR`, () => {
        const addr = GAP - inPage;
        const m = guest(program(addr, insn));
        const before = withPage(m, Perm.Read);
        expect(runToStop(m)).toMatchObject({ kind: 'fault', signal: SIGSEGV, code: SEGV_ACCERR, address: addr });
        expect(m.memory.u8.slice(PAGE, PAGE + 0x1000)).toEqual(before);
        expect(fpuState(m)).toEqual(stateAfterPrelude());
      });
    }
  }

  test('the example of the report: fstp tbyte [0x6fff] faults at 0x6fff, SEGV_ACCERR', () => {
    const m = guest(program(0, 'fstp tbyte ptr [0x6fff]'));
    m.memory.map(0x6000, 0x1000, Perm.Read);
    expect(runToStop(m)).toMatchObject({ kind: 'fault', signal: SIGSEGV, code: SEGV_ACCERR, address: 0x6fff });
    expect(fpuState(m)).toEqual(stateAfterPrelude());
  });

  test('a store from a writable page into a read-only one faults at the first read-only byte and writes nothing', () => {
    const m = guest(program(PAGE - 8, 'fstp tbyte ptr [ebp]')); // 8 writable bytes, 2 read-only
    m.memory.map(PAGE - 0x1000, 0x1000, Perm.Read | Perm.Write);
    m.memory.u8.fill(0x5a, PAGE - 0x1000, PAGE);
    const before = withPage(m, Perm.Read);
    expect(runToStop(m)).toMatchObject({ kind: 'fault', signal: SIGSEGV, code: SEGV_ACCERR, address: PAGE });
    expect(m.memory.u8.slice(PAGE - 0x1000, PAGE).every((b) => b === 0x5a)).toBe(true);
    expect(m.memory.u8.slice(PAGE, PAGE + 0x1000)).toEqual(before);
    expect(fpuState(m)).toEqual(stateAfterPrelude());
  });

  test('a straddling store onto a writable page and an unmapped one still faults at the first unmapped byte', () => {
    const m = guest(program(DATA + 0xffa, 'fbstp tbyte ptr [ebp]'));
    m.memory.u8.fill(0x33, DATA, DATA + 0x1000);
    expect(runToStop(m)).toMatchObject({ kind: 'fault', signal: SIGSEGV, code: SEGV_MAPERR, address: DATA + 0x1000 });
    expect(m.memory.u8.slice(DATA, DATA + 0x1000).every((b) => b === 0x33)).toBe(true);
    expect(fpuState(m)).toEqual(stateAfterPrelude());
  });
});

describe('loads straddling a readable page and an unmapped one', () => {
  const cases: [string, string | Uint8Array, number][] = [
    ['fld tbyte', 'fld tbyte ptr [ebp]', 10],
    ['fld qword', 'fld qword ptr [ebp]', 8],
    ['fbld', 'fbld tbyte ptr [ebp]', 10],
    ['frstor', 'frstor [ebp]', 108],
    ['frstor (16-bit image)', bytesOf('66 dd 65 00'), 94],
    ['fldenv', 'fldenv [ebp]', 28],
    ['fldenv (16-bit image)', bytesOf('66 d9 65 00'), 14],
  ];
  for (const [name, insn, size] of cases) {
    // 1, 2, 3 bytes in the page: the FLDENV/FRSTOR fields read at +0, +unit and +2*unit used to
    // fault past the gap's first byte; size - 1: only bytes the fields skip are in the gap.
    for (const inPage of [1, 2, 3, size - 1]) {
      if (inPage >= size) continue;
      test(`${name} with ${inPage} byte(s) on the readable page faults at the first unmapped byte, SEGV_MAPERR`, () => {
        const m = guest(program(GAP - inPage, insn));
        withPage(m, Perm.Read);
        expect(runToStop(m)).toMatchObject({ kind: 'fault', signal: SIGSEGV, code: SEGV_MAPERR, address: GAP });
        expect(fpuState(m)).toEqual(stateAfterPrelude());
      });
    }
  }

  test('the example of the report: frstor [ebp] with EBP = 0x6ffe faults at 0x7000', () => {
    const m = guest(program(0x6ffe, bytesOf('dd 65 00')));
    m.memory.map(0x6000, 0x1000, Perm.Read);
    expect(runToStop(m)).toMatchObject({ kind: 'fault', signal: SIGSEGV, code: SEGV_MAPERR, address: 0x7000 });
  });

  test('a load starting on an unmapped page faults at its first byte', () => {
    const m = guest(program(GAP, 'frstor [ebp]'));
    withPage(m, Perm.Read);
    expect(runToStop(m)).toMatchObject({ kind: 'fault', signal: SIGSEGV, code: SEGV_MAPERR, address: GAP });
  });

  test('loads within a page or across two readable pages do not fault', () => {
    const m = guest(program(DATA, 'fnsave [ebp]; frstor [ebp]; fnstenv [ebp + 0xff0]; fldenv [ebp + 0xff0]'));
    m.memory.map(DATA + 0x1000, 0x1000, Perm.Read | Perm.Write);
    expect(runToStop(m)).toEqual({ kind: 'syscall' });
    expect(fpuState(m)).toEqual(stateAfterPrelude());
  });
});

describe('stores onto translated code', () => {
  test('a page-crossing FSTP m80 over the rest of its own block ends the block', () => {
    // fld tbyte [DATA]; jmp to CODE+0x1ff4, where fstp tbyte [CODE+0x1ffa] (6 bytes) is followed
    // by `mov eax, 1; int 0x80` in the same block, crossing into the next code page. The value
    // stored over them is `mov eax, 0x12345678; int 0x80; nop; nop; nop`. That block is the only
    // one on its two pages, so once the probe has dropped it they no longer hold code and the
    // parts' own stores see no code page: the probe's result alone must end the block.
    const code = new Uint8Array(0x2010).fill(0x90);
    code.set(assemble(`fld tbyte ptr [${DATA}]; jmp ${CODE + 0x1ff4}`, CODE));
    code.set(assemble(`fstp tbyte ptr [${CODE + 0x1ffa}]; mov eax, 1; int 0x80`, CODE + 0x1ff4), 0x1ff4);
    const m = guest(code, { codePerm: Perm.Write });
    m.memory.u8.set(bytesOf('b8 78 56 34 12 cd 80 90 90 90'), DATA);
    expect(runToStop(m)).toEqual({ kind: 'syscall' });
    expect(m.reg(0)).toBe(0x12345678);
    expect([...m.memory.u8.slice(CODE + 0x1ffa, CODE + 0x2004)]).toEqual([...bytesOf('b8 78 56 34 12 cd 80 90 90 90')]);
  });
});
