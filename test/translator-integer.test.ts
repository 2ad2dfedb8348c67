// Integer semantics, run through the whole translator (decode, semantics, JS emitter, engine):
// shifts and rotates, MUL/IMUL/DIV/IDIV, the bit instructions, CMPXCHG/CMPXCHG8B/XADD, BCD,
// BOUND, far-pointer loads, ARPL and the descriptor queries, plus fixes to earlier families.
// Expected values come from the SDM's definitions and examples, or from bit-by-bit reference
// models written from the SDM's Operation sections; undefined flags are never asserted.
// String instructions are in translator-string.test.ts.

import { DEFAULT_FEATURES } from '../decoder/validate';
import type { IsaExt } from '../decoder/types';
import type { Machine, RunResult } from '../src/engine/machine';
import { Perm } from '../src/memory/arena';
import { INTEGER_HELPERS } from '../translator/js/integer-helpers';
import { CODE, DATA, guest, loadAssembler, runToStop, type GuestOptions } from './support/guest';

beforeAll(loadAssembler);

const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const SIGSEGV = 11, SIGFPE = 8;
const REGS = { eax: 0, ecx: 1, edx: 2, ebx: 3, esp: 4, ebp: 5, esi: 6, edi: 7 } as const;
type Regs = Partial<Record<keyof typeof REGS, number>>;

/** Assembles `code; int 0x80`, sets registers, runs; returns the machine and how it stopped. */
function start(code: string, regs: Regs = {}, options: GuestOptions = {}): [Machine, RunResult] {
  const m = guest(`${code}; int 0x80`, options);
  for (const [name, value] of Object.entries(regs)) m.setReg(REGS[name as keyof typeof REGS], value);
  return [m, runToStop(m)];
}

/** Runs to the final `int 0x80` and checks that is where it stopped. */
function exec(code: string, regs: Regs = {}, options: GuestOptions = {}): Machine {
  const [m, r] = start(code, regs, options);
  expect(r).toEqual({ kind: 'syscall' });
  return m;
}

const reg = (m: Machine, name: keyof typeof REGS) => m.reg(REGS[name]);
const flags = (m: Machine, mask: number) => m.cpu.eflags & mask;
const u32 = (m: Machine, a: number) => m.memory.view.getUint32(a, true);
const u16 = (m: Machine, a: number) => m.memory.view.getUint16(a, true);

/** Parity flag of a result's low byte. */
function parity(v: number): number {
  let n = 0;
  for (let x = v & 0xff; x; x >>= 1) n += x & 1;
  return n & 1 ? 0 : PF;
}

/** A deterministic value stream (xorshift32) for the model comparisons. */
function numbers(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

describe('fixes to earlier families', () => {
  test('Ibs immediates are sign-extended to the operand size (83 /0, 6A, 6B)', () => {
    const m = exec('add eax, -1; add bx, -2; push -1; pop ecx; imul edx, esi, -3', { eax: 5, ebx: 0x12340005, esi: 5 });
    expect(reg(m, 'eax')).toBe(4);
    expect(reg(m, 'ebx')).toBe(0x12340003);
    expect(reg(m, 'ecx')).toBe(0xffffffff);
    expect(reg(m, 'edx')).toBe(-15 >>> 0);
  });

  test('CMP with a sign-extended byte immediate compares against the full value', () => {
    const m = exec('cmp eax, -1; sete cl', { eax: 0xffffffff });
    expect(reg(m, 'ecx') & 0xff).toBe(1);
  });
});

describe('SHL SAL SHR SAR', () => {
  test('by 1: CF is the bit shifted out, OF = MSB(result) XOR CF for SHL, MSB(operand) for SHR, 0 for SAR', () => {
    let m = exec('shl eax, 1', { eax: 0x80000001 });
    expect(reg(m, 'eax')).toBe(2);
    expect(flags(m, CF | OF | ZF | SF)).toBe(CF | OF);
    m = exec('shl al, 1', { eax: 0x40 });
    expect(reg(m, 'eax')).toBe(0x80);
    expect(flags(m, CF | OF | SF | ZF)).toBe(OF | SF);
    m = exec('shr eax, 1', { eax: 0x80000001 });
    expect(reg(m, 'eax')).toBe(0x40000000);
    expect(flags(m, CF | OF | SF)).toBe(CF | OF);
    m = exec('sar eax, 1', { eax: 0x80000001 });
    expect(reg(m, 'eax')).toBe(0xc0000000);
    expect(flags(m, CF | OF | SF)).toBe(CF | SF);
    m = exec('.byte 0xd0, 0xf0', { eax: 0xc1 }); // SAL AL, 1 (D0 /6)
    expect(reg(m, 'eax')).toBe(0x82);
    expect(flags(m, CF | OF)).toBe(CF);
  });

  test('a zero count (CL = 0, CL = 32, imm 32) changes neither the operand nor any flag', () => {
    const cases: [string, number][] = [['shl eax, cl', 0], ['sar eax, cl', 32], ['shr eax, 32', 0], ['shl eax, cl', 64]];
    for (const [code, cl] of cases) {
      const m = exec(`cmp eax, eax; stc; ${code}`, { eax: 0x80000001, ecx: cl });
      expect(reg(m, 'eax')).toBe(0x80000001);
      expect(flags(m, CF | ZF | SF | OF)).toBe(CF | ZF);
    }
  });

  test('a memory operand with count 0 is still written (a read-only page faults)', () => {
    const [, r] = start(`mov cl, 0; shl dword ptr [${CODE}], cl`);
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: CODE, eip: CODE + 2 });
  });

  test('16- and 8-bit counts by CL and the memory forms', () => {
    let m = exec('shl ax, cl', { eax: 0xabcd1234, ecx: 4 });
    expect(reg(m, 'eax')).toBe(0xabcd2340);
    expect(flags(m, CF)).toBe(CF); // bit 12 of 0x1234
    m = exec('sar bl, cl', { ebx: 0x80, ecx: 7 });
    expect(reg(m, 'ebx')).toBe(0xff);
    expect(flags(m, CF | SF | ZF)).toBe(SF);
    m = exec(`mov dword ptr [${DATA}], 0x10000001; shl dword ptr [${DATA}], 4; setc al; shr word ptr [${DATA}], cl; setc ah`, { ecx: 1 });
    expect(u32(m, DATA)).toBe(0x00000008);
    expect(reg(m, 'eax') & 0xffff).toBe(0x0001); // shl: CF = 1, then shr 0x0010 by 1: CF = 0
  });

  test('agree with the SDM model for every size, counts 1-31 (defined flags)', () => {
    const next = numbers(0x5eed);
    const cases: [string, number][] = [['shl', 4], ['shr', 5], ['sar', 7]];
    for (const [op] of cases) {
      for (const [size, r] of [[1, 'al'], [2, 'ax'], [4, 'eax']] as const) {
        const m = guest(`${op} ${r}, cl; int 0x80`);
        for (let i = 0; i < 40; i++) {
          const value = next(), count = 1 + (next() % 31);
          m.setReg(0, value); m.setReg(1, count); m.eip = CODE;
          expect(m.run(100)).toEqual({ kind: 'syscall' });
          const bits = size * 8, mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
          let x = (value & mask) >>> 0, cf = 0;
          for (let k = 0; k < count; k++) {
            // SDM 2B SAL/SAR/SHL/SHR Operation, one bit at a time.
            if (op === 'shl') { cf = (x >>> (bits - 1)) & 1; x = (x * 2) % 2 ** bits; }
            else { cf = x & 1; x = op === 'sar' ? Math.floor(x / 2) + (x >= 2 ** (bits - 1) ? 2 ** (bits - 1) : 0) : Math.floor(x / 2); }
          }
          const got = (m.reg(0) & mask) >>> 0;
          expect([op, size, value, count, got]).toEqual([op, size, value, count, x]);
          const f = m.cpu.eflags;
          expect(f & (ZF | SF | PF)).toBe((x === 0 ? ZF : 0) | (x >= 2 ** (bits - 1) ? SF : 0) | parity(x));
          if (count < bits || op === 'sar') expect(f & CF).toBe(cf); // CF undefined for SHL/SHR by >= width
          if (count === 1) expect(f & OF).toBe(op === 'shl' ? ((x >>> (bits - 1)) ^ cf ? OF : 0) : op === 'shr' ? ((value & mask) >>> (bits - 1) ? OF : 0) : 0);
          expect(m.reg(0) & ~mask).toBe(value & ~mask);
        }
      }
    }
  });
});

describe('ROL ROR RCL RCR', () => {
  test('ROL/ROR change only CF and OF; OF for a count of 1', () => {
    let m = exec('cmp eax, eax; rol eax, 4', { eax: 0x12345678 });
    expect(reg(m, 'eax')).toBe(0x23456781);
    expect(flags(m, CF | ZF)).toBe(CF | ZF); // ZF kept from the CMP
    m = exec('rol al, 1', { eax: 0x80 });
    expect(reg(m, 'eax')).toBe(0x01);
    expect(flags(m, CF | OF)).toBe(CF | OF);
    m = exec('ror al, 1', { eax: 0x01 });
    expect(reg(m, 'eax')).toBe(0x80);
    expect(flags(m, CF | OF)).toBe(CF | OF);
    m = exec('ror ax, 1', { eax: 0x0002 });
    expect(reg(m, 'eax')).toBe(0x0001);
    expect(flags(m, CF | OF)).toBe(0);
  });

  test('a count that is a multiple of the width still sets CF; a masked count of 0 sets nothing', () => {
    let m = exec('clc; rol al, cl', { eax: 0x81, ecx: 8 });
    expect(reg(m, 'eax')).toBe(0x81);
    expect(flags(m, CF)).toBe(CF); // CF := LSB(result) since (COUNT & 1FH) != 0
    m = exec('stc; rol eax, cl', { eax: 0x2, ecx: 32 });
    expect(reg(m, 'eax')).toBe(2);
    expect(flags(m, CF)).toBe(CF);
    m = exec('clc; ror bx, cl', { ebx: 0x8001, ecx: 0 });
    expect(reg(m, 'ebx')).toBe(0x8001);
    expect(flags(m, CF)).toBe(0);
  });

  test('RCL/RCR by 1 rotate through CF with the SDM OF', () => {
    let m = exec('stc; rcl al, 1', { eax: 0x80 });
    expect(reg(m, 'eax')).toBe(0x01);
    expect(flags(m, CF | OF)).toBe(CF | OF);
    m = exec('clc; rcr al, 1', { eax: 0x01 });
    expect(reg(m, 'eax')).toBe(0x00);
    expect(flags(m, CF | OF)).toBe(CF);
    m = exec('stc; rcr eax, 1', { eax: 0x00000002 });
    expect(reg(m, 'eax')).toBe(0x80000001);
    expect(flags(m, CF | OF)).toBe(OF);
  });

  test('RCR EAX, 8 with CF = 1 and counts that come to 0 mod 9 / mod 17', () => {
    let m = exec('stc; rcr eax, 8', { eax: 0x12345678 });
    expect(reg(m, 'eax')).toBe(0xf1123456);
    expect(flags(m, CF)).toBe(0);
    m = exec('stc; rcl al, cl', { eax: 0x55, ecx: 9 });
    expect(reg(m, 'eax')).toBe(0x55);
    expect(flags(m, CF)).toBe(CF);
    m = exec('clc; rcl ax, cl', { eax: 0x8000, ecx: 17 });
    expect(reg(m, 'eax')).toBe(0x8000);
    expect(flags(m, CF)).toBe(0);
  });

  test('RCL/RCR agree with the SDM bit-at-a-time model for every size and count', () => {
    const next = numbers(0xc0ffee);
    for (const op of ['rcl', 'rcr'] as const) {
      for (const [size, r] of [[1, 'bl'], [2, 'bx'], [4, 'ebx']] as const) {
        const m = guest(`${op} ${r}, cl; int 0x80`);
        for (let i = 0; i < 40; i++) {
          const value = next(), count = next() & 31, cfIn = next() & 1;
          m.setReg(3, value); m.setReg(1, count); m.cpu.eflags = 0x202 | cfIn; m.eip = CODE;
          expect(m.run(100)).toEqual({ kind: 'syscall' });
          const bits = size * 8, mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
          let temp = (count & 31) % (bits === 8 ? 9 : bits === 16 ? 17 : 32);
          let x = (value & mask) >>> 0, cf = cfIn;
          while (temp-- > 0) {
            if (op === 'rcl') { const t = (x >>> (bits - 1)) & 1; x = ((x * 2) % 2 ** bits) + cf; cf = t; }
            else { const t = x & 1; x = Math.floor(x / 2) + cf * 2 ** (bits - 1); cf = t; }
          }
          expect([op, size, value, count, cfIn, (m.reg(3) & mask) >>> 0, m.cpu.eflags & CF]).toEqual([op, size, value, count, cfIn, x, cf]);
          if ((count & 31) === 1) {
            const of = op === 'rcl' ? ((x >>> (bits - 1)) ^ cf) : (((value & mask) >>> (bits - 1)) ^ cfIn);
            expect(m.cpu.eflags & OF).toBe(of ? OF : 0);
          }
        }
      }
    }
  });

  test('the rcl/rcr helpers keep the flags for a count of 0 and set OF per the SDM for 1', () => {
    const s = { scratch: new Int32Array(4) } as unknown as Parameters<typeof INTEGER_HELPERS.rcl>[0];
    const m = null as unknown as Parameters<typeof INTEGER_HELPERS.rcl>[1];
    expect(INTEGER_HELPERS.rcl(s, m, 0x80, 9, 1, ZF | CF)).toBe(0x80);
    expect(s.scratch[0]).toBe(ZF | CF);
    expect(INTEGER_HELPERS.rcl(s, m, 0x40, 1, 1, 0)).toBe(0x80);
    expect(s.scratch[0]).toBe(OF);
  });
});

describe('SHLD SHRD', () => {
  test('32-bit by an immediate', () => {
    let m = exec('shld eax, ebx, 4', { eax: 0x12345678, ebx: 0x9abcdef0 });
    expect(reg(m, 'eax')).toBe(0x23456789);
    expect(flags(m, CF)).toBe(CF);
    m = exec('shrd eax, ebx, 4', { eax: 0x12345678, ebx: 0x9abcdef0 });
    expect(reg(m, 'eax')).toBe(0x01234567);
    expect(flags(m, CF)).toBe(CF);
    m = exec('shrd eax, ebx, 31', { eax: 0x80000000, ebx: 0x00000003 });
    expect(reg(m, 'eax')).toBe(0x00000007);
    expect(flags(m, CF)).toBe(0);
  });

  test('by CL, count 0 leaves everything; count 1 sets OF on a sign change', () => {
    let m = exec('stc; shld eax, ebx, cl', { eax: 0x12345678, ebx: 0xffffffff, ecx: 0 });
    expect(reg(m, 'eax')).toBe(0x12345678);
    expect(flags(m, CF)).toBe(CF);
    m = exec('shrd ax, bx, cl', { eax: 0x0001, ebx: 0x0001, ecx: 1 });
    expect(reg(m, 'eax')).toBe(0x8000);
    expect(flags(m, CF | OF | SF)).toBe(CF | OF | SF);
    m = exec('shld eax, ebx, cl', { eax: 0x40000000, ebx: 0, ecx: 1 });
    expect(reg(m, 'eax')).toBe(0x80000000);
    expect(flags(m, CF | OF)).toBe(OF);
  });

  test('16-bit forms keep the upper half and shift in from the source', () => {
    const m = exec('shld ax, bx, 4; shrd dx, si, 8', { eax: 0x55551234, ebx: 0xabcd, edx: 0x66661234, esi: 0x00ab });
    expect(reg(m, 'eax')).toBe(0x5555234a);
    expect(reg(m, 'edx')).toBe(0x6666ab12);
  });

  test('a memory destination', () => {
    const m = exec(`mov dword ptr [${DATA}], 0x11223344; shld dword ptr [${DATA}], ebx, 8`, { ebx: 0xaabbccdd });
    expect(u32(m, DATA)).toBe(0x223344aa);
  });
});

describe('MUL IMUL', () => {
  test('MUL: CF = OF = (upper half != 0), in every size', () => {
    let m = exec('mul ecx', { eax: 0xffffffff, ecx: 2 });
    expect([reg(m, 'edx'), reg(m, 'eax')]).toEqual([1, 0xfffffffe]);
    expect(flags(m, CF | OF)).toBe(CF | OF);
    m = exec('mul ecx', { eax: 0xffffffff, ecx: 0xffffffff });
    expect([reg(m, 'edx'), reg(m, 'eax')]).toEqual([0xfffffffe, 1]);
    m = exec('mul ecx', { eax: 0x10000, ecx: 0xffff, edx: 0x1234 });
    expect([reg(m, 'edx'), reg(m, 'eax')]).toEqual([0, 0xffff0000]);
    expect(flags(m, CF | OF)).toBe(0);
    m = exec('mul cl', { eax: 0x12345610, ecx: 16 });
    expect(reg(m, 'eax')).toBe(0x12340100);
    expect(flags(m, CF | OF)).toBe(CF | OF);
    m = exec('mul cl', { eax: 15, ecx: 17 });
    expect(reg(m, 'eax')).toBe(255);
    expect(flags(m, CF | OF)).toBe(0);
    m = exec('mul cx', { eax: 0x8000, ecx: 2, edx: 0xabcd0000 });
    expect([reg(m, 'edx'), reg(m, 'eax')]).toEqual([0xabcd0001, 0]);
    expect(flags(m, CF | OF)).toBe(CF | OF);
  });

  test('one-operand IMUL: CF = OF = (the product does not fit the low half)', () => {
    let m = exec('imul ecx', { eax: -2 >>> 0, ecx: 3 });
    expect([reg(m, 'edx'), reg(m, 'eax')]).toEqual([0xffffffff, -6 >>> 0]);
    expect(flags(m, CF | OF)).toBe(0);
    m = exec('imul ecx', { eax: 0x40000000, ecx: 2 });
    expect([reg(m, 'edx'), reg(m, 'eax')]).toEqual([0, 0x80000000]);
    expect(flags(m, CF | OF)).toBe(CF | OF);
    m = exec('imul ecx', { eax: 0x80000000, ecx: 0x80000000 });
    expect([reg(m, 'edx'), reg(m, 'eax')]).toEqual([0x40000000, 0]);
    m = exec('imul cl', { eax: 0x80, ecx: 0xff });
    expect(reg(m, 'eax')).toBe(0x0080);
    expect(flags(m, CF | OF)).toBe(CF | OF);
    m = exec('imul cl', { eax: 0xfe, ecx: 0x03 });
    expect(reg(m, 'eax')).toBe(0xfffa);
    expect(flags(m, CF | OF)).toBe(0);
    m = exec('imul cx', { eax: 0x7fff, ecx: 0x7fff });
    expect([reg(m, 'edx'), reg(m, 'eax')]).toEqual([0x3fff, 0x0001]);
    expect(flags(m, CF | OF)).toBe(CF | OF);
  });

  test('two- and three-operand IMUL truncate to the destination', () => {
    let m = exec('imul eax, ecx', { eax: 0x10000, ecx: 0x10000 });
    expect(reg(m, 'eax')).toBe(0);
    expect(flags(m, CF | OF)).toBe(CF | OF);
    m = exec('imul eax, ecx', { eax: -50000 >>> 0, ecx: 40000 });
    expect(reg(m, 'eax')).toBe(-2000000000 >>> 0);
    expect(flags(m, CF | OF)).toBe(0);
    m = exec('imul ax, bx, 0x4000', { eax: 0xabcd0000, ebx: 4 });
    expect(reg(m, 'eax')).toBe(0xabcd0000);
    expect(flags(m, CF | OF)).toBe(CF | OF);
    m = exec(`mov dword ptr [${DATA}], 7; imul esi, dword ptr [${DATA}], 1000`);
    expect(reg(m, 'esi')).toBe(7000);
    expect(flags(m, CF | OF)).toBe(0);
    m = exec('imul bx, cx', { ebx: 0x1234fff6, ecx: 0x000a });
    expect(reg(m, 'ebx')).toBe(0x1234ff9c); // -10 * 10
    expect(flags(m, CF | OF)).toBe(0);
  });

  test('the 32x32 helpers match BigInt products', () => {
    const next = numbers(42);
    const s = { scratch: new Int32Array(4) } as unknown as Parameters<typeof INTEGER_HELPERS.mulu32>[0];
    const m = null as unknown as Parameters<typeof INTEGER_HELPERS.mulu32>[1];
    const edge = [0, 1, 2, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xfffffffe, 0x10000, 0xffff];
    const values = [...edge, ...Array.from({ length: 200 }, next)];
    for (let i = 0; i < values.length; i++) {
      const a = values[i], b = values[(i * 7 + 3) % values.length];
      const pu = BigInt(a >>> 0) * BigInt(b >>> 0);
      expect(INTEGER_HELPERS.mulu32(s, m, a, b) >>> 0).toBe(Number(pu & 0xffffffffn));
      expect(s.scratch[0] >>> 0).toBe(Number(pu >> 32n));
      const ps = BigInt(a | 0) * BigInt(b | 0);
      expect(INTEGER_HELPERS.muls32(s, m, a, b) >>> 0).toBe(Number(BigInt.asUintN(32, ps)));
      expect(s.scratch[0]).toBe(Number(BigInt.asIntN(32, ps >> 32n)));
    }
  });
});

describe('DIV IDIV', () => {
  test('unsigned division in every size', () => {
    let m = exec('div ecx', { edx: 1, eax: 0, ecx: 0x10 });
    expect([reg(m, 'eax'), reg(m, 'edx')]).toEqual([0x10000000, 0]);
    m = exec('div ecx', { edx: 3, eax: 0x12345678, ecx: 0x10000000 });
    expect([reg(m, 'eax'), reg(m, 'edx')]).toEqual([0x31, 0x02345678]);
    m = exec('div ecx', { edx: 0, eax: 100, ecx: 7 });
    expect([reg(m, 'eax'), reg(m, 'edx')]).toEqual([14, 2]);
    m = exec('div cl', { eax: 0xabcd0123, ecx: 0x10 });
    expect(reg(m, 'eax')).toBe(0xabcd0312);
    m = exec('div cx', { edx: 0x55550001, eax: 0x66660000, ecx: 2 });
    expect([reg(m, 'eax'), reg(m, 'edx')]).toEqual([0x66668000, 0x55550000]);
  });

  test('signed division truncates toward zero; the remainder has the sign of the dividend', () => {
    let m = exec('cdq; idiv ecx', { eax: -7 >>> 0, ecx: 2 });
    expect([reg(m, 'eax') | 0, reg(m, 'edx') | 0]).toEqual([-3, -1]);
    m = exec('idiv ecx', { edx: 0xffffffff, eax: 0x00000000, ecx: 0x10000 });
    expect([reg(m, 'eax') | 0, reg(m, 'edx') | 0]).toEqual([-0x10000, 0]);
    m = exec('idiv ecx', { edx: 0x00000001, eax: 0x00000001, ecx: -2 >>> 0 });
    expect([reg(m, 'eax') | 0, reg(m, 'edx') | 0]).toEqual([-0x80000000, 1]);
    m = exec('idiv cl', { eax: 0xff9c, ecx: 7 });
    expect(reg(m, 'eax')).toBe(0xfef2); // -100 / 7 = -14 rem -2
    m = exec('idiv cx', { edx: 0xffff, eax: 0xfffb, ecx: 2 });
    expect([reg(m, 'eax') & 0xffff, reg(m, 'edx') & 0xffff]).toEqual([0xfffe, 0xffff]);
  });

  test('division by zero is SIGFPE (FPE_INTDIV) at the DIV, registers unchanged', () => {
    const [m, r] = start('mov eax, 10; xor edx, edx; div ecx', { ecx: 0 });
    expect(r).toMatchObject({ kind: 'fault', signal: SIGFPE, code: 1, eip: CODE + 7 });
    expect([reg(m, 'eax'), reg(m, 'edx')]).toEqual([10, 0]);
    expect(m.eip).toBe(CODE + 7);
  });

  test('quotient overflow is #DE too: 2^32 / 1, -2^31 / -1, and 8-bit overflow', () => {
    expect(start('div ecx', { edx: 1, eax: 0, ecx: 1 })[1]).toMatchObject({ kind: 'fault', signal: SIGFPE, eip: CODE });
    expect(start('cdq; idiv ecx', { eax: 0x80000000, ecx: 0xffffffff })[1]).toMatchObject({ kind: 'fault', signal: SIGFPE, eip: CODE + 1 });
    expect(start('idiv ecx', { edx: 0x40000000, eax: 0, ecx: 2 })[1]).toMatchObject({ kind: 'fault', signal: SIGFPE });
    expect(start('div cl', { eax: 0x1234, ecx: 0x10 })[1]).toMatchObject({ kind: 'fault', signal: SIGFPE });
    expect(start('idiv cl', { eax: 0x8000, ecx: 0xff })[1]).toMatchObject({ kind: 'fault', signal: SIGFPE });
  });
});

describe('BT BTS BTR BTC', () => {
  test('register operands: the offset is taken modulo the width; ZF is left alone', () => {
    let m = exec('cmp eax, eax; bt eax, 3', { eax: 8 });
    expect(flags(m, CF | ZF)).toBe(CF | ZF);
    m = exec('bt eax, ecx', { eax: 8, ecx: 35 });
    expect(flags(m, CF)).toBe(CF);
    m = exec('bts eax, ecx; setc bl; btr eax, 1; setc bh; btc ax, 17', { eax: 0x0f, ecx: 36 });
    expect(reg(m, 'eax')).toBe(0x1f); // bit 4 set, bit 1 cleared, then toggled back (17 mod 16)
    expect(reg(m, 'ebx') & 0xffff).toBe(0x0100);
  });

  test('a register offset into memory is signed and reaches beyond the operand (SDM 2A, BT)', () => {
    const m = exec([
      `mov dword ptr [${DATA + 4}], 0`,
      `bts dword ptr [${DATA + 8}], ecx`, // offset -1: bit 31 of the dword at DATA+4
      'setc al',
      `btr dword ptr [${DATA + 8}], edx`, // offset 40: bit 8 of the dword at DATA+12
      'setc ah',
      `btc word ptr [${DATA + 8}], si`, // offset -17: bit 15 of the word at DATA+4
      'setc bl',
    ].join('; '), { ecx: -1 >>> 0, edx: 40, esi: -17 >>> 0 });
    expect(u32(m, DATA + 4)).toBe(0x80008000);
    expect(reg(m, 'eax') & 0xffff).toBe(0x0000);
    expect(reg(m, 'ebx') & 0xff).toBe(0);
  });

  test('the old bit comes back in CF and memory changes only at the selected bit', () => {
    const m = exec([
      `mov dword ptr [${DATA + 12}], 0x00000100`,
      `btr dword ptr [${DATA + 8}], edx`,
      'setc al',
      `bt dword ptr [${DATA}], 35`, // immediate: bit 3 of the dword at DATA itself
      'setc ah',
    ].join('; '), { edx: 40 });
    expect(u32(m, DATA + 12)).toBe(0);
    expect(reg(m, 'eax') & 0xffff).toBe(0x0001);
  });

  test('a far negative offset faults at the word it addresses', () => {
    const [, r] = start(`bt dword ptr [${DATA}], ecx`, { ecx: -0x8000 >>> 0 });
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: DATA - 0x1000, eip: CODE });
  });
});

describe('BSF BSR TZCNT LZCNT POPCNT', () => {
  const withExtensions = (...ext: IsaExt[]): GuestOptions => ({ features: new Set<IsaExt>([...DEFAULT_FEATURES, ...ext]) });

  test('BSF/BSR find the lowest/highest set bit; ZF = (source = 0)', () => {
    let m = exec('bsf eax, ecx; bsr edx, ecx', { ecx: 0x00018000 });
    expect([reg(m, 'eax'), reg(m, 'edx')]).toEqual([15, 16]);
    expect(flags(m, ZF)).toBe(0);
    m = exec('bsr ax, cx', { eax: 0xabcd1234, ecx: 1 });
    expect(reg(m, 'eax')).toBe(0xabcd0000);
    m = exec(`mov dword ptr [${DATA}], 0x80000000; bsf ebx, dword ptr [${DATA}]`);
    expect(reg(m, 'ebx')).toBe(31);
  });

  test('a zero source leaves the destination unchanged and sets ZF', () => {
    const m = exec('bsf eax, ecx; bsr edx, ecx', { eax: 0x12345678, edx: 0x9abc, ecx: 0 });
    expect([reg(m, 'eax'), reg(m, 'edx')]).toEqual([0x12345678, 0x9abc]);
    expect(flags(m, ZF)).toBe(ZF);
  });

  test('without BMI1/LZCNT, TZCNT and LZCNT execute as BSF and BSR', () => {
    let m = exec('tzcnt eax, ecx', { eax: 77, ecx: 0 });
    expect(reg(m, 'eax')).toBe(77);
    expect(flags(m, ZF)).toBe(ZF);
    m = exec('lzcnt eax, ecx', { ecx: 1 });
    expect(reg(m, 'eax')).toBe(0); // BSR: index 0, not 31 leading zeros
  });

  test('with BMI1/LZCNT they count zeros, the operand width for 0; CF = (source = 0), ZF = (result = 0)', () => {
    const opts = withExtensions('bmi1', 'lzcnt');
    let m = exec('tzcnt eax, ecx', { ecx: 0 }, opts);
    expect(reg(m, 'eax')).toBe(32);
    expect(flags(m, CF | ZF)).toBe(CF);
    m = exec('tzcnt ax, cx', { eax: 0xffff0000, ecx: 0 }, opts);
    expect(reg(m, 'eax')).toBe(0xffff0010);
    m = exec('lzcnt eax, ecx', { ecx: 1 }, opts);
    expect(reg(m, 'eax')).toBe(31);
    expect(flags(m, CF | ZF)).toBe(0);
    m = exec('lzcnt eax, ecx', { ecx: 0x80000000 }, opts);
    expect(reg(m, 'eax')).toBe(0);
    expect(flags(m, CF | ZF)).toBe(ZF);
    m = exec('lzcnt ax, cx', { ecx: 0x0001 }, opts);
    expect(reg(m, 'eax') & 0xffff).toBe(15);
    m = exec('tzcnt eax, ecx', { ecx: 0x00010000 }, opts);
    expect(reg(m, 'eax')).toBe(16);
  });

  test('POPCNT counts ones; ZF = (source = 0), the other flags clear', () => {
    const opts = withExtensions('popcnt');
    let m = exec('stc; popcnt eax, ecx', { ecx: 0xf0f0f0f1 }, opts);
    expect(reg(m, 'eax')).toBe(17);
    expect(flags(m, CF | ZF | SF | OF | PF | AF)).toBe(0);
    m = exec('popcnt eax, ecx', { ecx: 0xffffffff }, opts);
    expect(reg(m, 'eax')).toBe(32);
    m = exec('popcnt ax, cx', { eax: 0x12340000, ecx: 0 }, opts);
    expect(reg(m, 'eax')).toBe(0x12340000);
    expect(flags(m, ZF)).toBe(ZF);
    expect(start('popcnt eax, ecx')[1]).toMatchObject({ kind: 'fault', signal: 4 }); // not on the default CPU
  });
});

describe('CMPXCHG CMPXCHG8B XADD', () => {
  test('CMPXCHG success stores the source and sets ZF', () => {
    const m = exec(`mov dword ptr [${DATA}], 5; lock cmpxchg dword ptr [${DATA}], ecx`, { eax: 5, ecx: 9 });
    expect(u32(m, DATA)).toBe(9);
    expect(reg(m, 'eax')).toBe(5);
    expect(flags(m, ZF | CF)).toBe(ZF);
  });

  test('CMPXCHG failure loads the accumulator, flags as CMP', () => {
    const m = exec(`mov dword ptr [${DATA}], 5; cmpxchg dword ptr [${DATA}], ecx`, { eax: 4, ecx: 9 });
    expect(u32(m, DATA)).toBe(5);
    expect(reg(m, 'eax')).toBe(5);
    expect(flags(m, ZF | CF | SF)).toBe(CF | SF);
  });

  test('CMPXCHG always writes its destination: a read-only one faults even when unequal', () => {
    const [m, r] = start(`cmpxchg dword ptr [${CODE}], ecx`, { eax: 0x12345678, ecx: 1 });
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: CODE, code: 2 });
    expect(reg(m, 'eax')).toBe(0x12345678);
  });

  test('8-bit and register forms, including the accumulator as destination', () => {
    let m = exec('cmpxchg bl, cl', { eax: 0x77, ebx: 0x1277, ecx: 0x99 });
    expect(reg(m, 'ebx')).toBe(0x1299);
    m = exec('cmpxchg bh, cl', { eax: 0x10, ebx: 0x2000, ecx: 0x99 });
    expect(reg(m, 'eax')).toBe(0x20);
    expect(reg(m, 'ebx')).toBe(0x2000);
    m = exec('cmpxchg eax, ecx', { eax: 3, ecx: 8 });
    expect(reg(m, 'eax')).toBe(8);
    expect(flags(m, ZF)).toBe(ZF);
  });

  test('CMPXCHG8B success and failure; only ZF changes', () => {
    let m = exec(`mov dword ptr [${DATA}], 1; mov dword ptr [${DATA + 4}], 2; stc; cmpxchg8b qword ptr [${DATA}]`,
      { eax: 1, edx: 2, ebx: 0xaaaa, ecx: 0xbbbb });
    expect([u32(m, DATA), u32(m, DATA + 4)]).toEqual([0xaaaa, 0xbbbb]);
    expect(flags(m, ZF | CF)).toBe(ZF | CF);
    m = exec(`mov dword ptr [${DATA}], 1; mov dword ptr [${DATA + 4}], 2; cmpxchg8b qword ptr [${DATA}]`,
      { eax: 1, edx: 3, ebx: 0xaaaa, ecx: 0xbbbb });
    expect([u32(m, DATA), u32(m, DATA + 4)]).toEqual([1, 2]);
    expect([reg(m, 'eax'), reg(m, 'edx')]).toEqual([1, 2]);
    expect(flags(m, ZF)).toBe(0);
  });

  test('CMPXCHG8B across into a read-only page faults before changing either half', () => {
    const g = guest(`cmpxchg8b qword ptr [${DATA + 0xffc}]; int 0x80`);
    g.memory.map(DATA + 0x1000, 0x1000, Perm.Read);
    g.setReg(3, 0x11111111); g.setReg(1, 0x22222222);
    expect(g.run(100)).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: DATA + 0x1000, code: 2 });
    expect(u32(g, DATA + 0xffc)).toBe(0);
  });

  test('XADD exchanges and adds, flags as ADD', () => {
    let m = exec(`mov dword ptr [${DATA}], 10; lock xadd dword ptr [${DATA}], ecx`, { ecx: 5 });
    expect(u32(m, DATA)).toBe(15);
    expect(reg(m, 'ecx')).toBe(10);
    m = exec('xadd eax, eax', { eax: 3 });
    expect(reg(m, 'eax')).toBe(6);
    m = exec('xadd al, bl', { eax: 0x7f, ebx: 1 });
    expect([reg(m, 'eax'), reg(m, 'ebx')]).toEqual([0x80, 0x7f]);
    expect(flags(m, OF | SF | CF | ZF)).toBe(OF | SF);
    m = exec('xadd cx, dx', { ecx: 0xffff, edx: 1 });
    expect([reg(m, 'ecx'), reg(m, 'edx')]).toEqual([0, 0xffff]);
    expect(flags(m, CF | ZF)).toBe(CF | ZF);
  });
});

describe('DAA DAS AAA AAS AAM AAD', () => {
  test('DAA after 79H + 35H gives 14H with CF and AF (SDM 2A, DAA example)', () => {
    const m = exec('mov al, 0x79; add al, 0x35; daa');
    expect(reg(m, 'eax') & 0xff).toBe(0x14);
    expect(flags(m, CF | AF | ZF | SF | PF)).toBe(CF | AF | PF);
  });

  test('DAA decimal sums: 38 + 45 = 83, 99 + 1 = 00 carry 1', () => {
    let m = exec('mov al, 0x38; add al, 0x45; daa');
    expect(reg(m, 'eax') & 0xff).toBe(0x83);
    expect(flags(m, CF)).toBe(0);
    m = exec('mov al, 0x99; add al, 1; daa');
    expect(reg(m, 'eax') & 0xff).toBe(0x00);
    expect(flags(m, CF | ZF)).toBe(CF | ZF);
  });

  test('DAS after 35H - 47H gives 88H with CF and AF (SDM 2A, DAS example)', () => {
    const m = exec('mov al, 0x35; sub al, 0x47; das');
    expect(reg(m, 'eax') & 0xff).toBe(0x88);
    expect(flags(m, CF | AF | ZF | SF | PF)).toBe(CF | AF | SF | PF);
  });

  test('AAA and AAS adjust unpacked BCD in AX', () => {
    let m = exec('mov ax, 0x0008; add al, 6; aaa');
    expect(reg(m, 'eax') & 0xffff).toBe(0x0104);
    expect(flags(m, CF | AF)).toBe(CF | AF);
    m = exec('mov ax, 0x00fa; aaa');
    expect(reg(m, 'eax') & 0xffff).toBe(0x0200);
    m = exec('mov ax, 0x0105; add al, 3; aaa');
    expect(reg(m, 'eax') & 0xffff).toBe(0x0108);
    expect(flags(m, CF | AF)).toBe(0);
    m = exec('mov ax, 0x0102; sub al, 5; aas');
    expect(reg(m, 'eax') & 0xffff).toBe(0x0007);
    expect(flags(m, CF | AF)).toBe(CF | AF);
  });

  test('AAM and AAD, in base 10 and another base', () => {
    let m = exec('mov eax, 0x12340000; mov al, 79; aam');
    expect(reg(m, 'eax')).toBe(0x12340709);
    expect(flags(m, ZF | SF | PF)).toBe(PF);
    m = exec('mov eax, 0x12340709; aad');
    expect(reg(m, 'eax')).toBe(0x1234004f);
    m = exec('mov ax, 0x0102; aad 16');
    expect(reg(m, 'eax') & 0xffff).toBe(0x0012);
    m = exec('mov ax, 0; aad');
    expect(flags(m, ZF)).toBe(ZF);
  });

  test('AAM 0 is #DE: SIGFPE at the AAM', () => {
    const [m, r] = start('mov eax, 0x55; aam 0');
    expect(r).toMatchObject({ kind: 'fault', signal: SIGFPE, code: 1, eip: CODE + 5 });
    expect(reg(m, 'eax')).toBe(0x55);
  });
});

describe('BOUND', () => {
  const bounds = `mov dword ptr [${DATA}], 10; mov dword ptr [${DATA + 4}], 20`;

  test('an index inside the bounds continues', () => {
    for (const eax of [10, 15, 20]) exec(`${bounds}; bound eax, [${DATA}]`, { eax });
  });

  test('an index outside (signed) raises #BR: SIGSEGV at the BOUND', () => {
    for (const eax of [9, 21, -1 >>> 0]) {
      const [, r] = start(`${bounds}; bound eax, [${DATA}]`, { eax });
      expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, code: 0x80, eip: CODE + 20 });
    }
  });

  test('the 16-bit form reads two words', () => {
    const [, r] = start(`mov dword ptr [${DATA}], 0x0005fffe; bound ax, [${DATA}]`, { eax: 0xffff0003 });
    expect(r).toEqual({ kind: 'syscall' });
    const [, r2] = start(`mov dword ptr [${DATA}], 0x0005fffe; bound ax, [${DATA}]`, { eax: 6 });
    expect(r2).toMatchObject({ kind: 'fault', signal: SIGSEGV });
  });
});

describe('far pointers, ARPL, descriptor queries', () => {
  test('LFS/LGS/LES/LDS/LSS load offset then selector', () => {
    const m = exec([
      `mov dword ptr [${DATA}], 0x11223344`, `mov dword ptr [${DATA + 4}], 0x7b`,
      `lfs eax, [${DATA}]`, 'mov cx, fs', `les ebx, [${DATA}]`, `lds edx, [${DATA}]`, `lss esi, [${DATA}]`,
    ].join('; '));
    expect([reg(m, 'eax'), reg(m, 'ebx'), reg(m, 'edx'), reg(m, 'esi')]).toEqual([0x11223344, 0x11223344, 0x11223344, 0x11223344]);
    expect(reg(m, 'ecx') & 0xffff).toBe(0x7b);
  });

  test('LGS with a TLS selector gives GS its base; a bad selector faults and leaves the register', () => {
    const g = guest([
      `mov dword ptr [${DATA}], 0x10`, `mov dword ptr [${DATA + 4}], 0x63`,
      `lgs ecx, [${DATA}]`, 'mov eax, dword ptr gs:[ecx]', 'int 0x80',
    ].join('; '));
    g.cpu.tls.set(12, DATA + 0x100);
    g.memory.view.setUint32(DATA + 0x110, 0xcafef00d, true);
    expect(runToStop(g)).toEqual({ kind: 'syscall' });
    expect(g.reg(0)).toBe(0xcafef00d);
    const [m, r] = start(`mov dword ptr [${DATA + 4}], 0x1234; lfs eax, [${DATA}]`, { eax: 7 });
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, eip: CODE + 10 });
    expect(reg(m, 'eax')).toBe(7);
  });

  test('ARPL raises the RPL and sets ZF, or clears ZF', () => {
    let m = exec('arpl ax, bx', { eax: 0x12340008, ebx: 3 });
    expect(reg(m, 'eax')).toBe(0x1234000b);
    expect(flags(m, ZF)).toBe(ZF);
    m = exec('cmp eax, eax; arpl ax, bx', { eax: 0x0b, ebx: 1 });
    expect(reg(m, 'eax')).toBe(0x0b);
    expect(flags(m, ZF)).toBe(0);
  });

  test('LAR LSL VERR VERW describe the user data segment 0x7b as Linux sets it up', () => {
    const m = exec('xor ebx, ebx; cmp eax, eax; lar eax, ecx; setz bl; cmp esi, esi; lsl esi, ecx; setz bh; verr cx; setz dl; verw cx; setz dh',
      { eax: 0x55, ecx: 0x7b, edx: 0x66, esi: 1 });
    expect(reg(m, 'eax')).toBe(0x00c0f300); // P, DPL 3, data read/write accessed; G and D set
    expect(reg(m, 'esi')).toBe(0xffffffff);
    expect(reg(m, 'ebx') & 0xffff).toBe(0x0101);
    expect(reg(m, 'edx') & 0xffff).toBe(0x0101);
  });

  test('the user code segment is readable but not writable; a null selector is not accessible', () => {
    const m = exec('lar eax, ecx; verr cx; setz dl; verw cx; setz dh; xor ecx, ecx; lar edi, ecx; setz bl',
      { ecx: 0x73, edi: 0x55, ebx: 0x100 });
    expect(reg(m, 'eax')).toBe(0x00c0fb00);
    expect(reg(m, 'edx') & 0xffff).toBe(0x0001);
    expect(reg(m, 'edi')).toBe(0x55);
    expect(reg(m, 'ebx') & 0xff).toBe(0);
    const [, r] = start('verr word ptr [0x300000]');
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: 0x300000 });
  });
});

describe('MOVBE and CRC32 (optional extensions)', () => {
  const opts: GuestOptions = { features: new Set<IsaExt>([...DEFAULT_FEATURES, 'movbe', 'sse42']) };

  test('MOVBE loads and stores byte-reversed, 32 and 16 bits', () => {
    const m = exec(`mov dword ptr [${DATA}], 0x11223344; movbe eax, [${DATA}]; movbe word ptr [${DATA + 4}], cx; movbe bx, word ptr [${DATA}]`,
      { ecx: 0xaaaabbcc, ebx: 0x12345678 }, opts);
    expect(reg(m, 'eax')).toBe(0x44332211);
    expect(u16(m, DATA + 4)).toBe(0xccbb);
    expect(reg(m, 'ebx')).toBe(0x12344433);
    expect(start(`movbe eax, [${DATA}]`)[1]).toMatchObject({ kind: 'fault', signal: 4 }); // not on the default CPU
  });

  test('CRC32 computes CRC-32C: "123456789" gives E3069283H with the usual pre- and post-inversion', () => {
    const dwords = exec('mov eax, -1; crc32 eax, ecx; crc32 eax, edx; crc32 eax, bl; not eax',
      { ecx: 0x34333231, edx: 0x38373635, ebx: 0x39 }, opts);
    expect(reg(dwords, 'eax')).toBe(0xe3069283);
    const mixed = exec(`mov dword ptr [${DATA}], 0x34333231; mov eax, -1; crc32 eax, cx; crc32 eax, word ptr [${DATA + 2}]; crc32 eax, edx; crc32 eax, bl; not eax`,
      { ecx: 0x3231, edx: 0x38373635, ebx: 0x39 }, opts);
    expect(reg(mixed, 'eax')).toBe(0xe3069283);
  });
});

describe('review of the stack and data families (data.ts, control.ts)', () => {
  const S = 0x000f_8000; // inside the harness stack (0xf0000-0x100000)

  test('POP r/m with an ESP base addresses memory after the increment (SDM 2B, POP)', () => {
    const m = exec(`mov dword ptr [${S}], 0x11; mov dword ptr [${S + 4}], 0x22; pop dword ptr [esp]`, { esp: S });
    expect(reg(m, 'esp')).toBe(S + 4);
    expect(u32(m, S + 4)).toBe(0x11);
    const w = exec(`mov dword ptr [${S}], 0xaaaa5555; pop word ptr [esp+2]`, { esp: S });
    expect(reg(w, 'esp')).toBe(S + 2);
    expect(u16(w, S + 4)).toBe(0x5555);
  });

  test('PUSH ESP pushes the old value; POP ESP loads the popped one', () => {
    const m = exec('push esp; pop eax; push 0x1234; pop esp', { esp: S });
    expect(reg(m, 'eax')).toBe(S);
    expect(reg(m, 'esp')).toBe(0x1234);
  });

  test('PUSHAD/POPAD: layout with the original ESP, and POPAD skips it', () => {
    const m = exec('pushad; mov eax, [esp+12]; mov ebx, [esp+28]; mov ecx, [esp]; mov [esp+12], ecx; popad',
      { eax: 1, ecx: 2, edx: 3, ebx: 4, esp: S, ebp: 6, esi: 7, edi: 8 });
    expect([reg(m, 'eax'), reg(m, 'ecx'), reg(m, 'edx'), reg(m, 'ebx'), reg(m, 'esp'), reg(m, 'ebp'), reg(m, 'esi'), reg(m, 'edi')])
      .toEqual([1, 2, 3, 4, S, 6, 7, 8]);
    expect(u32(m, S - 32 + 12)).toBe(8); // overwritten ESP slot, ignored by POPAD
    const n = exec('pushad; mov eax, [esp+12]; mov ebx, [esp+28]; add esp, 32', { eax: 1, ebx: 4, esp: S });
    expect([reg(n, 'eax'), reg(n, 'ebx')]).toEqual([S, 1]);
  });

  test('PUSHAW/POPAW move 16-bit registers', () => {
    const m = exec('pushaw; mov ax, [esp+14]; mov bx, [esp+8]; popaw', { eax: 0x11110001, ebx: 0x22220002, esp: S, edi: 0x33330003 });
    expect(reg(m, 'esp')).toBe(S);
    expect(reg(m, 'eax')).toBe(0x11110001);
    expect(u16(m, S - 16)).toBe(0x0003);
    expect(u16(m, S - 16 + 6)).toBe(S & 0xffff); // the SP slot
  });

  test('ENTER with nesting level 2 and LEAVE (SDM 2A, ENTER)', () => {
    const B = S - 0x100;
    const m = exec(`mov dword ptr [${B - 4}], 0xdddd; enter 16, 2`, { esp: S, ebp: B });
    expect(reg(m, 'ebp')).toBe(S - 4);
    expect(reg(m, 'esp')).toBe(S - 12 - 16);
    expect([u32(m, S - 4), u32(m, S - 8), u32(m, S - 12)]).toEqual([B, 0xdddd, S - 4]);
    const l = exec('enter 8, 0; leave', { esp: S, ebp: 0x1234 });
    expect([reg(l, 'esp'), reg(l, 'ebp')]).toEqual([S, 0x1234]);
  });

  test('PUSHFD/POPFD: image with bit 1 and IF; POPFD sets DF and the arithmetic flags; 16-bit forms', () => {
    const m = exec('stc; pushfd; pop eax; push 0x00000cd5; popfd; pushfd; pop ebx', { esp: S });
    expect(reg(m, 'eax') & 0x203).toBe(0x203);
    expect(reg(m, 'ebx') & 0xfd7).toBe(0xed7); // IF stays set
    expect(m.cpu.eflags & 0xcd5).toBe(0xcd5);
    const w = exec('pushf; pop ax; push word ptr 0x0001; popf', { esp: S, eax: 0x55550000 });
    expect(reg(w, 'esp')).toBe(S);
    expect(reg(w, 'eax') >>> 16).toBe(0x5555);
    expect(w.cpu.eflags & CF).toBe(CF);
  });

  test('CBW CWDE CWD CDQ', () => {
    const m = exec('cbw; mov ebx, eax; mov eax, 0x8000; cwde; mov ecx, eax; cdq; mov esi, edx; mov eax, 0x12348000; cwd', { eax: 0x123456f0 });
    expect(reg(m, 'ebx')).toBe(0x1234fff0);
    expect(reg(m, 'ecx')).toBe(0xffff8000);
    expect(reg(m, 'esi')).toBe(0xffffffff);
    expect(reg(m, 'edx')).toBe(0xffffffff); // CWD writes DX only; EDX was all ones from CDQ
    const d = exec('cwd', { eax: 0x7fff, edx: 0xabcd1234 });
    expect(reg(d, 'edx')).toBe(0xabcd0000);
  });

  test('CALL / RET imm16 / LOOP / JECXZ', () => {
    const m = exec('push 1; push 2; call f; jmp done; f: ret 8; done: mov ecx, 3; xor eax, eax; l: inc eax; loop l; jecxz z; mov eax, 99; z: nop', { esp: S });
    expect(reg(m, 'esp')).toBe(S);
    expect(reg(m, 'eax')).toBe(3);
  });

  test('XLATB, LAHF/SAHF, CMOVcc reads its source even when false', () => {
    const m = exec(`mov byte ptr [${DATA + 0x10 + 5}], 0x77; xlatb; mov cl, al; mov ah, 0xd5; sahf; lahf`, { eax: 5, ebx: DATA + 0x10 });
    expect(reg(m, 'ecx') & 0xff).toBe(0x77);
    expect((reg(m, 'eax') >>> 8) & 0xff).toBe(0xd7);
    expect(flags(m, 0xd5)).toBe(0xd5);
    const [, r] = start('cmp eax, 1; cmove eax, dword ptr [0x300000]', { eax: 0 });
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, address: 0x300000 });
  });

  test('INTO raises #OF (SIGSEGV) only when OF is set', () => {
    exec('mov al, 1; add al, 1; into');
    const [, r] = start('mov al, 0x7f; add al, 1; into');
    expect(r).toMatchObject({ kind: 'fault', signal: SIGSEGV, eip: CODE + 5 });
  });
});
