// The x87 FPU's architectural state (SDM Vol. 1, 8.1): eight 80-bit physical registers held
// exactly (sign+exponent word, 64-bit significand as two 32-bit halves), TOP, the tag, control and
// status words, and the last-instruction/operand pointers FNSTENV reports.

export class X87State {
  /** Physical registers R0..R7: bits 79..64 (sign and exponent). */
  readonly signExp = new Uint16Array(8);
  /** Significand bits 63..32 and 31..0. */
  readonly mantHi = new Uint32Array(8);
  readonly mantLo = new Uint32Array(8);
  /** Tag word, two bits per physical register: 0 valid, 1 zero, 2 special, 3 empty. */
  tag = 0xffff;
  /** Control word after FNINIT: all exceptions masked, 64-bit precision, round to nearest. */
  control = 0x037f;
  /** Status word without TOP (bits 13..11 are kept in `top`). */
  status = 0;
  top = 0;
  /** FPU instruction pointer, operand pointer and last opcode (FNSTENV/FNSAVE report them). */
  lastIp = 0;
  lastDp = 0;
  lastOpcode = 0;

  /** The status word as FNSTSW stores it, TOP included. */
  get statusWord(): number {
    return (this.status & ~0x3800) | ((this.top & 7) << 11);
  }

  reset(): void {
    this.tag = 0xffff;
    this.control = 0x037f;
    this.status = 0;
    this.top = 0;
    this.lastIp = this.lastDp = this.lastOpcode = 0;
  }
}
