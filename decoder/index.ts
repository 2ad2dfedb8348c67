// Public face of the decoder package: the table, the decoder, the validator and the disassembler.

export * from './types.js';
export { Instruction } from './instruction.js';
export { decode, decodeInto } from './decode.js';
export { OPCODE_TABLE } from './table/index.js';
export { formatInstruction, formatLine } from './disasm.js';
export { validate, DEFAULT_FEATURES, instructionBytes } from './validate.js';
export type { Verdict, RejectReason, GuestSignal, CpuFeatures } from './validate.js';
