// Shared vocabulary of the decoder: what a table row says about an opcode form, and what the
// decoder reports about one instruction. Everything downstream (validator, disassembler,
// translator dispatch, tests) reads these types; nothing else lists opcodes.

/** Opcode maps: the one-byte map and the three escape maps (SDM Vol. 2D, Appendix A.3). */
export const enum OpMap { One = 0, TwoByte = 1, ThreeByte38 = 2, ThreeByte3A = 3 }

/** Control-flow kind of a form, as the block builder needs it. */
export type FlowKind =
  | 'none' | 'jump' | 'jcc' | 'call' | 'ijump' | 'icall' | 'ret' | 'trap' | 'syscall';

/**
 * The table's verdict for a form. 'ok' forms are executable in user mode;
 * the others are rejected by the validator with the Linux signal named in VERDICT_SIGNAL.
 */
export type TableVerdict = 'ok' | 'privileged' | 'far' | 'int' | 'undefined';

/** Instruction-set extension a form belongs to; the validator checks it against the tenant's CPU. */
export type IsaExt =
  | 'base' | 'x87' | 'cmov' | 'cx8' | 'fxsr' | 'mmx' | 'sse' | 'sse2' | 'sse3' | 'ssse3'
  | 'sse41' | 'sse42' | 'popcnt' | 'lzcnt' | 'bmi1' | 'movbe' | 'cet' | 'rdrand' | 'rdseed'
  | 'clflush' | 'fma' | 'aes' | 'pclmul' | 'xsave' | 'rdtscp' | 'pause';

/** EFLAGS bits the table speaks of (bit positions as in EFLAGS, SDM Vol. 1, 3.4.3). */
export const enum Flag { C = 0x1, P = 0x4, A = 0x10, Z = 0x40, S = 0x80, T = 0x100, I = 0x200, D = 0x400, O = 0x800 }
export const STATUS_FLAGS = 0x8d5; // O S Z A P C

/** Mandatory-prefix slot a row occupies (SSE forms select on 66/F2/F3; 'any' ignores them). */
export type PrefixSlot = 'any' | 'np' | '66' | 'f3' | 'f2';

/** One operand of a form, parsed from its SDM letters (SDM Vol. 2D, A.2.1 and A.2.2). */
export interface OperandSpec {
  /** The text as written in the table ('Ev', 'Ib', 'AL', 'ST(i)', '1', ...). */
  readonly text: string;
  readonly kind: OperandKind;
  /** Size code (see OperandSize); for fixed registers the register size. */
  readonly size: OperandSize;
  /** For fixed registers: the register number (meaning depends on kind). */
  readonly fixed: number;
}

export const enum OperandKind {
  /** ModRM r/m: register or memory (E, Q for MMX, W for XMM, and M/R/N/U restricted forms). */
  RmGpr, RmMmx, RmXmm, RmMemOnly, RmGprRegOnly, RmMmxRegOnly, RmXmmRegOnly,
  /** ModRM reg field selects: general register, segment, control, debug, MMX, XMM. */
  RegGpr, RegSeg, RegCtl, RegDbg, RegMmx, RegXmm,
  /** Register in the opcode's low three bits (+r). */
  OpcodeGpr,
  /** x87 ST(i) from ModRM.rm, and ST(0). */
  StI, St0,
  /** Immediates: unsigned/sign-extended data, relative target, far pointer, moffs. */
  Imm, ImmSx, Rel, FarPtr, MemOffset,
  /** String operands: DS:[eSI] and ES:[eDI]. */
  StrSrc, StrDst,
  /** A fixed general register (fixed = number), segment register, or the constant 1. */
  FixedGpr, FixedSeg, One,
  /** The implicit XMM0 of BLENDVPS and friends. */
  FixedXmm0,
}

/** Operand sizes in bytes where fixed; the variable codes resolve per instruction. */
export const enum OperandSize {
  B = 1, W = 2, D = 4, Q = 8, T = 10, DQ = 16,
  /** v: 16 or 32 by operand size. z: 16 or 32 immediate. */
  V = 100, Z = 101,
  /** Memory blocks and pointers: far pointer (p), bound pair (a), x87 env, x87 state, FXSAVE area, none. */
  P = 102, A = 103, Env = 104, State = 105, Fx = 106, None = 107,
  /** Ry/Mb and Ry/Mw (PEXTRB, PINSRW, ...): a 32-bit register, or a byte or word in memory. */
  RdMb = 108, RdMw = 109,
}

/** A form of an instruction: one row of the opcode table, after parsing. */
export interface OpcodeRow {
  /** Row index in the table: stable within a build, used by dispatch arrays. */
  readonly id: number;
  readonly map: OpMap;
  readonly opcode: number;
  /** True for +r forms: the row covers opcode .. opcode+7 and operand OpcodeGpr takes the low bits. */
  readonly plusReg: boolean;
  readonly prefix: PrefixSlot;
  /** ModRM constraints: mod 'mem' (mod != 3), 'reg' (mod == 3) or 'any'; reg and rm fields, -1 = any. */
  readonly mod: 'any' | 'mem' | 'reg';
  readonly regField: number;
  readonly rmField: number;
  readonly hasModrm: boolean;
  /** The ModRM byte always names registers, whatever its mod bits (MOV to/from CR/DR, SDM 2B MOV). */
  readonly modIgnored: boolean;
  /** Mnemonic in lower case; `a/b` forms choose by operand size (16/32), see mnemonicFor. */
  readonly mnemonic: string;
  readonly mnemonic16: string;
  readonly operands: readonly OperandSpec[];
  /** LOCK is allowed (with a memory destination). */
  readonly lockable: boolean;
  /** REP (F3) or REPE/REPNE (F3/F2) prefixes are meaningful. */
  readonly rep: 'none' | 'rep' | 'repcc';
  /** The mnemonic choice is made by address size instead of operand size (jcxz/jecxz). */
  readonly mnemonicByAddressSize: boolean;
  /** EFLAGS bits read, written, and left undefined (Flag masks). */
  readonly flagsRead: number;
  readonly flagsWritten: number;
  readonly flagsUndefined: number;
  readonly flow: FlowKind;
  readonly verdict: TableVerdict;
  readonly ext: IsaExt;
  /** The row as written in the table, for messages and tests. */
  readonly source: string;
}

/** Why a byte sequence is not an instruction. */
export type DecodeError =
  | 'truncated'      // the buffer ended inside the instruction
  | 'too-long'       // more than 15 bytes (SDM Vol. 2A, 2.3.11: #GP)
  | 'undefined'      // no form in the table: #UD
  | 'bad-lock'       // LOCK on a form that does not allow it, or with a register destination: #UD
  | 'vex';           // VEX/EVEX/XOP encodings (AVX and later): not on the target CPU, #UD

/** Prefix bits of a decoded instruction. */
export const enum Prefix { Lock = 1, Rep = 2, Repne = 4, OpSize = 8, AdSize = 16 }

/** Segment register numbers (SDM encoding order). */
export const enum Seg { ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5, None = -1 }
