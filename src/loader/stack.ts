// The initial process stack, laid out as Linux's ELF loader does for an i386 task (System V
// i386 ABI, "Process Stack and Registers"), from the top of the stack down:
//
//   stackTop - 4      a zero word
//                     the AT_EXECFN string, then the environment strings, then the argument
//                     strings (so argv[0]'s text is lowest), each NUL-terminated
//                     padding to 16 bytes
//                     the AT_PLATFORM string ("i686")
//                     16 AT_RANDOM bytes
//                     padding, chosen so that ESP ends up 16-byte aligned
//                     auxv pairs, AT_NULL last
//                     envp[0..m-1], NULL
//                     argv[0..n-1], NULL
//   ESP ->            argc
//
// The sizes of the argument area follow Linux's limits: one string at most 32 pages
// (MAX_ARG_STRLEN), all of them at most a quarter of the stack limit.

import type { Arena } from '../memory/arena.js';
import { auxvEntries, PLATFORM, type AuxvInput } from './auxv.js';
import { LoadError } from './errors.js';
import { STACK_LIMIT } from './layout.js';

export const MAX_ARG_STRLEN = 32 * 4096;
const PLATFORM_BYTES = new TextEncoder().encode(PLATFORM);

export interface StackInput {
  readonly argv: readonly Uint8Array[];
  readonly envp: readonly Uint8Array[];
  readonly execfn: Uint8Array;
  /** The 16 AT_RANDOM bytes. */
  readonly random: Uint8Array;
  /** The auxv values that do not point into the stack. */
  readonly aux: Omit<AuxvInput, 'randomAddress' | 'execfnAddress' | 'platformAddress'>;
}

export interface StackResult {
  readonly esp: number;
  /** Where the argument and environment strings are (for /proc/self/cmdline, environ). */
  readonly argStart: number;
  readonly argEnd: number;
  readonly envStart: number;
  readonly envEnd: number;
  readonly auxv: [number, number][];
}

/** Writes the initial stack below `stackTop` (which must be mapped read/write); returns ESP. */
export function buildInitialStack(arena: Arena, stackTop: number, input: StackInput): StackResult {
  let total = input.execfn.length + 1;
  for (const s of [...input.argv, ...input.envp]) {
    if (s.length + 1 > MAX_ARG_STRLEN) throw new LoadError(`an argument or environment string is longer than ${MAX_ARG_STRLEN - 1} bytes (E2BIG)`);
    total += s.length + 1;
  }
  if (total > STACK_LIMIT / 4) throw new LoadError(`the arguments and environment take ${total} bytes, more than the ${STACK_LIMIT / 4} Linux allows (E2BIG)`);

  let p = stackTop - 4;
  arena.write32(p, 0);
  const putString = (s: Uint8Array): number => {
    p -= s.length + 1;
    arena.writeBytes(p, s);
    arena.write8(p + s.length, 0);
    return p;
  };
  const execfnAddress = putString(input.execfn);
  const envEnd = p;
  const envAddrs = input.envp.map((_, i) => i).reverse().map((i) => putString(input.envp[i])).reverse();
  const argEnd = p;
  const argAddrs = input.argv.map((_, i) => i).reverse().map((i) => putString(input.argv[i])).reverse();
  const argStart = p;

  p &= ~15;
  const platformAddress = putString(PLATFORM_BYTES);
  p -= 16;
  const randomAddress = p;
  arena.writeBytes(p, input.random.subarray(0, 16));

  const auxv = auxvEntries(Object.assign({ randomAddress, execfnAddress, platformAddress }, input.aux));
  const words = 1 + argAddrs.length + 1 + envAddrs.length + 1 + auxv.length * 2;
  const esp = (p - words * 4) & ~15;
  // argc, argv[], NULL, envp[], NULL, auxv pairs, written as words straight into the arena after
  // one check (spawning many tenants makes this a hot path: Array.prototype.flat and a
  // temporary buffer were most of it).
  arena.checkWrite(esp, words * 4);
  const view = arena.view;
  let k = esp;
  const put = (w: number): void => { view.setUint32(k, w >>> 0, true); k += 4; };
  put(argAddrs.length);
  for (const a of argAddrs) put(a);
  put(0);
  for (const a of envAddrs) put(a);
  put(0);
  for (const [type, value] of auxv) { put(type); put(value); }
  return { esp, argStart, argEnd, envStart: argEnd, envEnd, auxv };
}
