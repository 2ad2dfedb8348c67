// The x87 FPU through the whole translator (decode, semantics, JS emitter, helpers, engine), with
// keystone-assembled snippets: loads and stores of every format, arithmetic, FXCH, the compare
// paths programs branch on (FCOMI + Jcc, FNSTSW AX + SAHF + Jcc, FUCOMPP), FXAM, rounding control
// through FLDCW, FSQRT and the transcendental instructions, stack faults with their masked
// responses, unmasked exceptions delivered as SIGFPE, the FNSTENV/FNSAVE images, and stores that
// fault without changing the FPU. Expected patterns come from the SDM's definitions and from the
// reference emulator (Unicorn 2) running the same code.

import type { Machine } from '../src/engine/machine';
import { Perm } from '../src/memory/arena';
import { CODE, DATA, guest, loadAssembler, runToStop } from './support/guest';

beforeAll(loadAssembler);

const SIGFPE = 8, SIGSEGV = 11, FPE_FLTDIV = 3, FPE_FLTINV = 7;
const CF = 0x1, PF = 0x4, ZF = 0x40;
const IE = 0x1, ZE = 0x4, PE = 0x20, SF = 0x40, ES = 0x80, C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;

/** Runs `code` to a final `int 0x80`. */
function exec(code: string): Machine {
  const m = guest(`${code}; int 0x80`);
  expect(runToStop(m)).toEqual({ kind: 'syscall' });
  return m;
}

/** ST(i) as 'se:significand' in hex. */
function st(m: Machine, i: number): string {
  const f = m.cpu.fpu;
  const p = (f.top + i) & 7;
  return `${f.signExp[p].toString(16)}:${f.mantHi[p].toString(16).padStart(8, '0')}${f.mantLo[p].toString(16).padStart(8, '0')}`;
}

const u32 = (m: Machine, a: number) => m.memory.view.getUint32(a, true);
const u16 = (m: Machine, a: number) => m.memory.view.getUint16(a, true);
const mem80 = (m: Machine, a: number) =>
  `${u16(m, a + 8).toString(16)}:${u32(m, a + 4).toString(16).padStart(8, '0')}${u32(m, a).toString(16).padStart(8, '0')}`;
const status = (m: Machine) => m.cpu.fpu.statusWord;

describe('loads and stores', () => {
  test('m32fp -> m64fp -> m80fp round trip (1.5)', () => {
    const m = exec(`mov dword ptr [${DATA}], 0x3fc00000; fld dword ptr [${DATA}]; fstp qword ptr [${DATA + 8}];
      fld qword ptr [${DATA + 8}]; fstp tbyte ptr [${DATA + 16}]; fld tbyte ptr [${DATA + 16}]`);
    expect([u32(m, DATA + 8), u32(m, DATA + 12)]).toEqual([0, 0x3ff80000]);
    expect(mem80(m, DATA + 16)).toBe('3fff:c000000000000000');
    expect(st(m, 0)).toBe('3fff:c000000000000000');
    expect(m.cpu.fpu.top).toBe(7);
  });

  test('FST m32fp rounds by RC; 1/3 is 0x3eaaaaab', () => {
    const m = exec(`fld1; fld1; fld1; faddp st(1), st(0); faddp st(1), st(0); fld1; fdivrp st(1), st(0); fst dword ptr [${DATA}]`);
    expect(u32(m, DATA)).toBe(0x3eaaaaab);
    expect(st(m, 0)).toBe('3ffd:aaaaaaaaaaaaaaab');
    expect(status(m) & (PE | C1)).toBe(PE | C1); // inexact, rounded up
  });

  test('FILD/FISTP of words, dwords and qwords, and the integer indefinite', () => {
    const m = exec(`mov dword ptr [${DATA}], -5; fild dword ptr [${DATA}]; fistp word ptr [${DATA + 4}];
      mov dword ptr [${DATA + 8}], 0; mov dword ptr [${DATA + 12}], 0x40000000; fild qword ptr [${DATA + 8}];
      fistp qword ptr [${DATA + 16}]; fild qword ptr [${DATA + 8}]; fistp word ptr [${DATA + 24}]`);
    expect(u16(m, DATA + 4)).toBe(0xfffb);
    expect([u32(m, DATA + 16), u32(m, DATA + 20)]).toEqual([0, 0x40000000]);
    expect(u16(m, DATA + 24)).toBe(0x8000); // 2^62 does not fit: masked IE stores the indefinite
    expect(status(m) & IE).toBe(IE);
  });

  test('FBLD/FBSTP: 18 packed digits round trip with the sign', () => {
    const m = exec(`mov dword ptr [${DATA}], 0x12345678; mov dword ptr [${DATA + 4}], 0x34567890;
      mov word ptr [${DATA + 8}], 0x8012; fbld tbyte ptr [${DATA}]; fbstp tbyte ptr [${DATA + 16}]`);
    expect([u32(m, DATA + 16), u32(m, DATA + 20), u16(m, DATA + 24)]).toEqual([0x12345678, 0x34567890, 0x8012]);
  });
});

describe('arithmetic and the register stack', () => {
  test('FXCH swaps; reverse and popping forms compute ST(i) op ST(0)', () => {
    const m = exec(`fld1; fldz; fxch st(1); fld1; fld1; faddp st(1), st(0); fsubr st(1), st(0); fdivp st(2), st(0)`);
    // stack after fxch: 1, 0; then push 2: 2, 1, 0; fsubr st(1), st(0): ST1 = 2 - 1 = 1; fdivp st(2): ST2 = 0 / 2 = 0, pop
    expect(st(m, 0)).toBe('3fff:8000000000000000');
    expect(st(m, 1)).toBe('0:0000000000000000');
    expect(m.cpu.fpu.top).toBe(6);
  });

  test('FLDCW rounding control: FRNDINT and FISTP of 2.5 and -2.5', () => {
    const m = exec(`mov dword ptr [${DATA}], 0x40200000; mov word ptr [${DATA + 4}], 0x0f7f; mov word ptr [${DATA + 6}], 0x077f;
      fld dword ptr [${DATA}]; fldcw word ptr [${DATA + 6}]; frndint; fstp dword ptr [${DATA + 8}];
      fld dword ptr [${DATA}]; fchs; fistp dword ptr [${DATA + 12}];
      fldcw word ptr [${DATA + 4}]; fld dword ptr [${DATA}]; fistp dword ptr [${DATA + 16}]`);
    expect(u32(m, DATA + 8)).toBe(0x40000000); // round down: 2
    expect(u32(m, DATA + 12) | 0).toBe(-3); // round down: -3
    expect(u32(m, DATA + 16)).toBe(2); // toward zero: 2
  });

  test('FSQRT of 2 and precision control (PC = 53 bits)', () => {
    const m = exec(`mov word ptr [${DATA}], 0x027f; fld1; fld1; faddp st(1), st(0); fsqrt; fldcw word ptr [${DATA}]; fld1; fld1;
      faddp st(1), st(0); fsqrt`);
    expect(st(m, 1)).toBe('3fff:b504f333f9de6484');
    expect(st(m, 0)).toBe('3fff:b504f333f9de6800');
  });
});

describe('comparisons and branches', () => {
  test('FCOMI sets CF for less, ZF PF CF for unordered, and a JB/JP follows', () => {
    const m = exec(`fld1; fldz; fcomi st(0), st(1); mov eax, 1; jb less; mov eax, 2; less: fld1; fchs; fsqrt; fucomi st(0), st(2);
      mov ebx, 1; jp unordered; mov ebx, 2; unordered:`);
    expect(m.reg(0)).toBe(1);
    expect(m.reg(3)).toBe(1);
    expect(m.cpu.eflags & (ZF | PF | CF)).toBe(ZF | PF | CF);
  });

  test('FNSTSW AX + SAHF: C0 -> CF, C3 -> ZF; FCOMPP pops both', () => {
    const m = exec(`fld1; fldz; fcompp; fnstsw ax; sahf; mov ebx, 1; jb less; mov ebx, 2; less: fld1; fld1; fcompp; fnstsw ax; sahf;
      mov ecx, 1; je equal; mov ecx, 2; equal:`);
    expect(m.reg(3)).toBe(1);
    expect(m.reg(1)).toBe(1);
    expect(m.cpu.fpu.top).toBe(0);
    expect(m.cpu.fpu.tag).toBe(0xffff);
  });

  test('FUCOMPP with a QNaN: unordered (C3 C2 C0) without IE, both popped', () => {
    const m = exec(`fld1; fchs; fsqrt; fnclex; fld1; fucompp`);
    expect(status(m) & (C0 | C2 | C3 | IE)).toBe(C0 | C2 | C3);
    expect(m.cpu.fpu.top).toBe(0);
  });

  test('FXAM classes: zero, normal, infinity, NaN, empty; C1 = sign', () => {
    const m = exec(`fldz; fxam; fnstsw ax; mov bx, ax; fld1; fchs; fxam; fnstsw ax; mov cx, ax; fld1; fldz; fdivp st(1), st(0); fxam;
      fnstsw ax; mov dx, ax; fninit; fxam; fnstsw ax`);
    const cls = (w: number) => w & (C0 | C1 | C2 | C3);
    expect(cls(m.reg(3))).toBe(C3);
    expect(cls(m.reg(1))).toBe(C2 | C1);
    expect(cls(m.reg(2))).toBe(C2 | C0);
    expect(cls(m.reg(0))).toBe(C3 | C0);
  });
});

describe('transcendental instructions (FSIN/FCOS/FPTAN in double as the reference emulators; the rest in extended precision)', () => {
  test('FSIN, FCOS, FPTAN, FPATAN, F2XM1, FYL2X of simple operands', () => {
    const m = exec(`mov dword ptr [${DATA}], 10; fld1; fsin; fld1; fcos; fld1; fld1; fadd st(0), st(1); fdivp st(1), st(0); fptan;
      fld1; fld1; fld1; faddp st(1), st(0); fpatan; fld1; fld1; fld1; faddp st(1), st(0); fdivp st(1), st(0); f2xm1;
      fld1; fild dword ptr [${DATA}]; fyl2x`);
    expect(st(m, 6)).toBe('3ffe:d76aa47848677000'); // sin 1
    expect(st(m, 5)).toBe('3ffe:8a51407da8346000'); // cos 1
    expect(st(m, 4)).toBe('3ffe:8bda7adf9a3a5000'); // tan 0.5
    expect(st(m, 3)).toBe('3fff:8000000000000000'); // FPTAN pushes 1
    expect(st(m, 2)).toBe('3ffd:ed63382b0dda7b45'); // atan2(1, 2)
    expect(st(m, 1)).toBe('3ffd:d413cccfe7799211'); // 2^0.5 - 1
    expect(st(m, 0)).toBe('4000:d49a784bcd1b8afe'); // log2(10) = FLDL2T
  });

  test('FSIN beyond 2^63 sets C2 and leaves the operand', () => {
    const m = exec(`mov dword ptr [${DATA}], 0x5f800000; fld dword ptr [${DATA}]; fsin`);
    expect(st(m, 0)).toBe('403f:8000000000000000');
    expect(status(m) & C2).toBe(C2);
  });

  test('FPREM loop (as in fmod): 1 rem 0.1 is the exact remainder', () => {
    const m = exec(`mov dword ptr [${DATA}], 0x9999999a; mov dword ptr [${DATA + 4}], 0x3fb99999; fld qword ptr [${DATA}]; fld1;
      again: fprem; fnstsw ax; sahf; jp again; fstp qword ptr [${DATA + 8}]`);
    expect([u32(m, DATA + 8), u32(m, DATA + 12)]).toEqual([0x99999996, 0x3fb99999]);
  });
});

describe('stack faults and exceptions', () => {
  test('pushing onto a full stack: IE, SF, C1 = 1 and the indefinite (masked response)', () => {
    const m = exec('fld1; fld1; fld1; fld1; fld1; fld1; fld1; fld1; fldpi');
    expect(st(m, 0)).toBe('ffff:c000000000000000');
    expect(status(m) & (IE | SF | C1)).toBe(IE | SF | C1);
  });

  test('reading an empty register: IE, SF, C1 = 0 and the indefinite result', () => {
    const m = exec('fld1; fadd st(0), st(3)');
    expect(st(m, 0)).toBe('ffff:c000000000000000');
    expect(status(m) & (IE | SF | C1)).toBe(IE | SF);
  });

  test('an unmasked division by zero leaves the destination and faults at the next waiting instruction', () => {
    const m = guest(`mov word ptr [${DATA}], 0x037b; fldcw word ptr [${DATA}]; fld1; fldz; fdivp st(1), st(0); fnstsw ax; fwait; int 0x80`);
    const r = runToStop(m);
    expect(r).toMatchObject({ kind: 'fault', signal: SIGFPE, code: FPE_FLTDIV });
    expect(m.eip).toBe(CODE + 9 + 6 + 2 + 2 + 2 + 2); // the FWAIT, after mov/fldcw/fld1/fldz/fdivp/fnstsw
    expect(m.reg(0) & (ZE | ES)).toBe(ZE | ES);
    expect(st(m, 0)).toBe('0:0000000000000000'); // ST(1) = 1 / 0 did not happen, no pop
    expect(st(m, 1)).toBe('3fff:8000000000000000');
  });

  test('an unmasked invalid operation reports FPE_FLTINV; FNCLEX clears it', () => {
    const faults = guest(`mov word ptr [${DATA}], 0x037e; fldcw word ptr [${DATA}]; fld1; fchs; fsqrt; fld1; int 0x80`);
    expect(runToStop(faults)).toMatchObject({ kind: 'fault', signal: SIGFPE, code: FPE_FLTINV });
    const cleared = exec(`mov word ptr [${DATA}], 0x037e; fldcw word ptr [${DATA}]; fld1; fchs; fsqrt; fnclex; fld1`);
    expect(status(cleared) & (IE | ES)).toBe(0);
  });
});

describe('environment images', () => {
  test('FNSTENV (28 bytes) stores CW SW TW and masks all exceptions; FLDENV restores', () => {
    const m = exec(`mov word ptr [${DATA + 64}], 0x0372; fldcw word ptr [${DATA + 64}]; fld1; fldz; fnstenv [${DATA}];
      fld1; fldenv [${DATA}]`);
    expect([u32(m, DATA), u32(m, DATA + 4), u32(m, DATA + 8)]).toEqual([0x0372, 0x3000, 0x1fff]); // R7 valid, R6 zero, the rest empty
    expect([u32(m, DATA + 12), u32(m, DATA + 16), u32(m, DATA + 20), u32(m, DATA + 24)]).toEqual([0, 0, 0, 0]);
    expect(m.cpu.fpu.control).toBe(0x0372);
    expect(m.cpu.fpu.top).toBe(6);
  });

  test('16-bit FNSTENV under a 66 prefix is 14 bytes of words', () => {
    const m = exec(`mov dword ptr [${DATA + 14}], 0xdeadbeef; fld1; data16 fnstenv [${DATA}]`);
    expect([u16(m, DATA), u16(m, DATA + 2), u16(m, DATA + 4)]).toEqual([0x037f, 0x3800, 0x3fff]);
    expect(u32(m, DATA + 14)).toBe(0xdeadbeef);
    expect(m.cpu.fpu.control).toBe(0x037f);
  });

  test('FNSAVE stores 108 bytes and reinitializes; FRSTOR brings the stack back', () => {
    const m = exec(`fldpi; fld1; fnsave [${DATA}]; fldz; frstor [${DATA}]`);
    expect(mem80(m, DATA + 28)).toBe('3fff:8000000000000000');
    expect(mem80(m, DATA + 38)).toBe('4000:c90fdaa22168c235');
    expect(st(m, 0)).toBe('3fff:8000000000000000');
    expect(st(m, 1)).toBe('4000:c90fdaa22168c235');
    expect(m.cpu.fpu.top).toBe(6);
  });
});

describe('precise faults', () => {
  test('FSTP to a read-only page faults without popping', () => {
    const m = guest(`fld1; fldpi; fstp qword ptr [${CODE}]; int 0x80`);
    expect(runToStop(m)).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: CODE });
    expect(m.cpu.fpu.top).toBe(6);
    expect(st(m, 0)).toBe('4000:c90fdaa22168c235');
  });

  test('an FSTP m80fp straddling into an unmapped page writes nothing', () => {
    const m = guest(`fldpi; fstp tbyte ptr [${DATA + 0xffc}]; int 0x80`);
    m.memory.view.setUint32(DATA + 0xffc, 0x11223344, true);
    expect(runToStop(m)).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: DATA + 0x1000 });
    expect(u32(m, DATA + 0xffc)).toBe(0x11223344);
    expect(m.cpu.fpu.top).toBe(7);
  });

  test('a load that faults leaves the stack alone', () => {
    const m = guest(`fld1; fld qword ptr [0x00300000]; int 0x80`);
    m.memory.protect(DATA, 0x1000, Perm.Read | Perm.Write);
    expect(runToStop(m)).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: 0x300000 });
    expect(m.cpu.fpu.top).toBe(7);
  });
});
