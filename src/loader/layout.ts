// The guest address-space layout inside the arena, chosen once per process.
//
// Linux i386 (x86-64 kernel, compat "legacy" layout off) puts the stack just under the top of
// user space, then a guard gap, then mmap_base, with mmap allocations growing down from there and
// brk growing up from the end of the program. vxts does the same inside the arena window
// [0, size): (default size 1 GiB = 0x40000000)
//
//   size ─────────────── stack top (argument strings, auxv, ... ESP)
//          8 MiB          the stack, mapped read/write at start (RLIMIT_STACK; pages cost no
//                         host memory until touched)
//          1 MiB          guard gap: never mapped, so running off the stack is SIGSEGV
//   mmapTop ─────────────  mmap allocations grow down from here
//          ...
//          brk grows up from the page after the highest segment
//   0x08048000            usual ET_EXEC link address
//   0x00400000            where a static-PIE (ET_DYN without PT_INTERP) is loaded: Linux's
//                         ELF_ET_DYN_BASE for ia32 tasks; it fits every arena of 16 MiB or more
//   0x00010000            nothing is mapped below (vm.mmap_min_addr, the null-pointer guard)

import { PAGE_SIZE } from '../memory/arena.js';

export const STACK_LIMIT = 8 * 1024 * 1024;
/** Linux's stack_guard_gap: 256 pages. */
export const STACK_GUARD_GAP = 256 * PAGE_SIZE;
export const STATIC_PIE_BASE = 0x0040_0000;
export const MIN_MAP_ADDRESS = 0x0001_0000;

export interface Layout {
  /** Arena size: nothing at or above it exists. */
  readonly size: number;
  readonly stackTop: number;
  /** Lowest stack address (stackTop - STACK_LIMIT). */
  readonly stackBottom: number;
  /** mmap allocations end here (top-down); program segments must end at or below it. */
  readonly mmapTop: number;
  readonly minAddress: number;
}

export function layoutFor(arenaSize: number): Layout {
  const stackTop = arenaSize;
  const stackBottom = stackTop - STACK_LIMIT;
  const mmapTop = stackBottom - STACK_GUARD_GAP;
  return { size: arenaSize, stackTop, stackBottom, mmapTop, minAddress: MIN_MAP_ADDRESS };
}

/** The default window: room for a program at 0x08048000 and a heap up to most of a GiB. */
export const DEFAULT_WINDOW = 0x4000_0000;
const SMALLEST_WINDOW = 0x1000_0000;

/**
 * The window a tenant needs when its mappings may total at most `limit` bytes: the usual link
 * address, the limit, and the stack with its guard gap, rounded up to a power of two (so that
 * tenants of similar limits share slabs of the arena pool), at least 256 MiB. A smaller window
 * is cheaper: more of them fit in a slab of the pool. Without a limit, the default 1 GiB.
 */
export function windowFor(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_WINDOW;
  const need = 0x0810_0000 + limit + STACK_LIMIT + STACK_GUARD_GAP + 0x0080_0000;
  let w = SMALLEST_WINDOW;
  while (w < need && w < 0x8000_0000) w *= 2;
  return Math.min(w, 0x8000_0000);
}

export const pageDown = (a: number): number => Math.floor(a / PAGE_SIZE) * PAGE_SIZE;
export const pageUp = (a: number): number => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;
