// Host helpers for the x87 FPU: arithmetic on the 80-bit register stack, conversions,
// control and status words. Called from generated code as H.name(s, m, ...).

export const X87_HELPERS = {};
