// Lazy EFLAGS. Flag-writing instructions record (operation and size, result, operand, extra)
// instead of computing six flags; the flags are computed only when something reads them.
// Formulas follow SDM Vol. 1, 3.4.3.1 and each instruction's "Flags Affected"; where the SDM
// leaves a flag undefined the value here is what QEMU-derived CPUs (Unicorn, qemu-i386) produce,
// so traces compare, but no test relies on undefined bits.

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400, OF = 0x800;
export const ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;
/** Flags a user-mode POPF may change (SDM Vol. 2B, POPF: IOPL and IF need privilege; VM/RF are cleared; NT is free). */
export const USER_FLAGS = ARITH_FLAGS | TF | DF | 0x4000 /* NT */ | 0x40000 /* AC */ | 0x200000 /* ID */;

/** Lazy operations. The size index (0: 8 bits, 1: 16, 2: 32) is added: ccOp = kind * 4 + size. */
export const enum Cc {
  Add = 0, Adc = 1, Sub = 2, Sbb = 3, Logic = 4, Inc = 5, Dec = 6,
  Shl = 7, Shr = 8, Sar = 9, Mul = 10, Imul = 11,
  /** Flags already computed: dst holds the EFLAGS bits. */
  Eflags = 12,
}

export function ccOp(kind: Cc, sizeBytes: number): number {
  return kind * 4 + (sizeBytes === 1 ? 0 : sizeBytes === 2 ? 1 : 2);
}

/** PF: set when the low byte has an even number of one bits. */
export const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let bits = 0;
  for (let v = i; v; v >>= 1) bits += v & 1;
  PARITY[i] = bits & 1 ? 0 : PF;
}

const MASKS = [0xff, 0xffff, 0xffffffff];
const SIGNS = [0x80, 0x8000, 0x80000000];

/** Computes O S Z A P C from a lazy record. */
export function computeFlags(op: number, dst: number, src: number, src2: number): number {
  const kind = op >> 2;
  if (kind === Cc.Eflags) return dst & ARITH_FLAGS;
  const size = op & 3;
  const mask = MASKS[size], sign = SIGNS[size];
  const res = (dst & mask) >>> 0;
  let flags = PARITY[res & 0xff] | (res === 0 ? ZF : 0) | ((res & sign) !== 0 ? SF : 0);
  switch (kind) {
    case Cc.Add: case Cc.Adc: {
      const carry = kind === Cc.Adc ? src2 & 1 : 0;
      const b = (src & mask) >>> 0;
      const a = ((dst - src - carry) & mask) >>> 0;
      if (carry ? res <= b : res < b) flags |= CF;
      if ((a ^ res) & (b ^ res) & sign) flags |= OF;
      flags |= (a ^ b ^ res) & AF;
      break;
    }
    case Cc.Sub: case Cc.Sbb: {
      const borrow = kind === Cc.Sbb ? src2 & 1 : 0;
      const b = (src & mask) >>> 0;
      const a = ((dst + src + borrow) & mask) >>> 0;
      if (borrow ? a <= b : a < b) flags |= CF;
      if ((a ^ b) & (a ^ res) & sign) flags |= OF;
      flags |= (a ^ b ^ res) & AF;
      break;
    }
    case Cc.Logic:
      break;
    case Cc.Inc:
      flags |= src2 & CF;
      if (res === sign) flags |= OF;
      if ((res & 0xf) === 0) flags |= AF;
      break;
    case Cc.Dec:
      flags |= src2 & CF;
      if (res === sign - 1) flags |= OF;
      if ((res & 0xf) === 0xf) flags |= AF;
      break;
    case Cc.Shl:
      // src is the operand shifted by count-1: its top bit is the last bit shifted out.
      if (src & sign) flags |= CF;
      if ((src ^ res) & sign) flags |= OF;
      break;
    case Cc.Shr: case Cc.Sar:
      // src is the operand shifted by count-1: its low bit is the last bit shifted out.
      if (src & 1) flags |= CF;
      if ((src ^ res) & sign) flags |= OF;
      break;
    case Cc.Mul: case Cc.Imul:
      // src is non-zero when the high half carries significant bits (CF = OF = 1).
      if (src !== 0) flags |= CF | OF;
      break;
  }
  return flags;
}

/** Evaluates condition code cc (0-15, the low nibble of Jcc/SETcc/CMOVcc) from flag bits. */
export function conditionFromFlags(cc: number, f: number): boolean {
  let r: boolean;
  switch (cc >> 1) {
    case 0: r = (f & OF) !== 0; break;
    case 1: r = (f & CF) !== 0; break;
    case 2: r = (f & ZF) !== 0; break;
    case 3: r = (f & (CF | ZF)) !== 0; break;
    case 4: r = (f & SF) !== 0; break;
    case 5: r = (f & PF) !== 0; break;
    case 6: r = ((f & SF) !== 0) !== ((f & OF) !== 0); break;
    default: r = (f & ZF) !== 0 || ((f & SF) !== 0) !== ((f & OF) !== 0); break;
  }
  return (cc & 1) === 0 ? r : !r;
}
