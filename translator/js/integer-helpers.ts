// Host helpers for the integer families too large to inline (string operations with REP,
// CMPXCHG8B, BCD adjustments, bit scans...). Called from generated code as H.name(s, m, ...).

export const INTEGER_HELPERS = {};
