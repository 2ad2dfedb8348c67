// Host helpers for the x87 FPU, merged from one file per family: arithmetic and comparison
// (x87-arith-helpers.ts), data transfer (x87-move-helpers.ts), control and environment
// (x87-env-helpers.ts), transcendental and remainder instructions (x87-trans-helpers.ts).
// Called from generated code as H.name(s, m, ...); they operate on s.fpu, whose register stack
// and status word discipline lives in x87-stack.ts, over the exact 80-bit arithmetic of
// src/cpu/float80*.ts. Guest memory is never touched here: the semantics load and store, and
// only call the two probes below to check a wide operand's whole range first.

import type { CpuState } from '../../src/cpu/state.js';
import type { Arena } from '../../src/memory/arena.js';
import { X87_ARITH_HELPERS } from './x87-arith-helpers.js';
import { X87_ENV_HELPERS } from './x87-env-helpers.js';
import { X87_MOVE_HELPERS } from './x87-move-helpers.js';
import { X87_TRANS_HELPERS } from './x87-trans-helpers.js';

/**
 * Probes of a multi-part x87 memory operand (translator/semantics/x87-memory.ts): check the whole
 * range [address, address+length) as one access would, before any part is done, and throw the
 * GuestFault for its first byte lacking the permission (SEGV_ACCERR when that page is mapped,
 * SEGV_MAPERR when not). probeWrite returns Arena.checkWrite's result: 1 when the range touches
 * a page holding translated code (those translations are dropped; the semantics pass it to
 * helperStored so the block ends after the instruction).
 */
const X87_MEMORY_HELPERS = {
  probeRead: (_s: CpuState, m: Arena, address: number, length: number): number => {
    m.checkRead(address, length);
    return 0;
  },
  probeWrite: (_s: CpuState, m: Arena, address: number, length: number): number => m.checkWrite(address, length),
};

export const X87_HELPERS = { ...X87_MEMORY_HELPERS, ...X87_ARITH_HELPERS, ...X87_MOVE_HELPERS, ...X87_ENV_HELPERS, ...X87_TRANS_HELPERS };
