// The decoded form of one instruction: a flat, fixed-shape object (V8 keeps it monomorphic)
// that the decoder fills in place. Operand meaning comes from `row.operands`; the fields here
// hold only what the bytes said (registers, memory address parts, immediates, prefixes).

import type { DecodeError, OpcodeRow } from './types.js';

export class Instruction {
  /** Guest address of the first byte. */
  address = 0;
  /** Length in bytes; for errors, how far the decoder read before it stopped. */
  length = 0;
  /** The matching table row, or null when `error` is set. */
  row: OpcodeRow | null = null;
  error: DecodeError | null = null;
  /** Prefix bits (Prefix.*) and the effective segment override (Seg.*, -1 for none). */
  prefixes = 0;
  seg = -1;
  /** Effective operand and address sizes in bits: 16 or 32. */
  opsize = 32;
  adsize = 32;
  /** The opcode byte within its map (the +r register is in `opcodeReg`). */
  opcode = 0;
  opcodeReg = 0;
  /** ModRM fields; modrm is -1 when the form has none. */
  modrm = -1;
  mod = 0;
  reg = 0;
  rm = 0;
  /** Memory operand: present when hasMem; base/index are GPR numbers or -1; disp is signed. */
  hasMem = false;
  base = -1;
  index = -1;
  scale = 1;
  disp = 0;
  /** First and second immediates (ENTER's second, a far pointer's selector). Relative targets are signed displacements. */
  imm = 0;
  imm2 = 0;

  /** Mnemonic for this instance: picks the 16-bit spelling under a 16-bit operand or address size. */
  get mnemonic(): string {
    const row = this.row;
    if (row === null) return '(bad)';
    const size = row.mnemonicByAddressSize ? this.adsize : this.opsize;
    return size === 16 ? row.mnemonic16 : row.mnemonic;
  }

  /** Target of a relative branch (Jb/Jz), wrapped as the CPU wraps EIP (to 16 bits under 66). */
  get target(): number {
    const t = (this.address + this.length + this.imm) >>> 0;
    return this.opsize === 16 ? t & 0xffff : t;
  }
}
