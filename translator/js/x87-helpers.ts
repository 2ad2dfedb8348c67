// Host helpers for the x87 FPU, merged from one file per family: arithmetic and comparison
// (x87-arith-helpers.ts), data transfer (x87-move-helpers.ts), control and environment
// (x87-env-helpers.ts), transcendental and remainder instructions (x87-trans-helpers.ts).
// Called from generated code as H.name(s, m, ...); they operate on s.fpu, whose register stack
// and status word discipline lives in x87-stack.ts, over the exact 80-bit arithmetic of
// src/cpu/float80*.ts. Guest memory is never touched here: the semantics load and store, and
// only call the probes of helpers.ts to check a wide operand's whole range first. The frequent
// instructions have allocation-free fast paths (x87-fast-helpers.ts, x87-fastmove-helpers.ts)
// that replace the entries of the same name and fall back to them.

import { X87_ARITH_HELPERS } from './x87-arith-helpers.js';
import { X87_ENV_HELPERS } from './x87-env-helpers.js';
import { X87_FAST_HELPERS } from './x87-fast-helpers.js';
import { X87_FASTMOVE_HELPERS } from './x87-fastmove-helpers.js';
import { X87_MOVE_HELPERS } from './x87-move-helpers.js';
import { X87_TRANS_HELPERS } from './x87-trans-helpers.js';

export const X87_HELPERS = {
  ...X87_ARITH_HELPERS, ...X87_MOVE_HELPERS, ...X87_ENV_HELPERS, ...X87_TRANS_HELPERS,
  ...X87_FAST_HELPERS, ...X87_FASTMOVE_HELPERS,
};
