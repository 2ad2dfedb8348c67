// The ELF loader: validates a static i386 program (ET_EXEC or static-PIE), maps it into a fresh
// Machine's arena, maps the stack, writes the initial stack (argv, envp, auxv) and sets the
// registers Linux starts an i386 process with (all zero but ESP, EIP and EFLAGS).

import type { Machine } from '../engine/machine.js';
import { ESP } from '../cpu/state.js';
import { Perm } from '../memory/arena.js';
import { mapImage } from './image.js';
import { layoutFor, type Layout } from './layout.js';
import { planImage, type ImagePlan } from './plan.js';
import { buildInitialStack, type StackResult } from './stack.js';

export { LoadError } from './errors.js';
export { layoutFor, STACK_LIMIT, STACK_GUARD_GAP, STATIC_PIE_BASE, type Layout } from './layout.js';
export { planImage, type ImagePlan, type SegmentPlan } from './plan.js';

export interface LoadOptions {
  /** How the program is named in error messages (usually its path as the user typed it). */
  readonly name: string;
  readonly argv: readonly (string | Uint8Array)[];
  readonly envp: readonly (string | Uint8Array)[];
  /** AT_EXECFN: the path the program was executed as (default: name). */
  readonly execfn?: string;
  /** The 16 AT_RANDOM bytes. */
  readonly random: Uint8Array;
  readonly uid?: number;
  readonly euid?: number;
  readonly gid?: number;
  readonly egid?: number;
}

export interface LoadedProgram {
  readonly plan: ImagePlan;
  readonly layout: Layout;
  readonly stack: StackResult;
  readonly entry: number;
  readonly brk: number;
}

/**
 * Stack mapped at start, before growth. Linux maps 128 KiB (setup_arg_pages' stack_expand); only
 * /proc/self/maps could tell, and it shows the whole VMA here. Mapping less means a tenant's
 * arena records (and recycling zeroes) only the stack pages it really uses.
 */
const INITIAL_STACK = 16 * 1024;

const bytesOf = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? new TextEncoder().encode(s) : s);

/** Loads `bytes` into `machine` (whose arena should be fresh); throws LoadError on a bad file. */
export function loadProgram(machine: Machine, bytes: Uint8Array, o: LoadOptions): LoadedProgram {
  const arena = machine.memory;
  const layout = layoutFor(arena.size);
  const plan = planImage(bytes, o.name, layout);
  mapImage(arena, bytes, plan);
  // The stack VMA is the whole RLIMIT_STACK, but as on Linux only its top is mapped at start
  // (more if the arguments need it); the rest is mapped when first touched.
  const stackPerm = Perm.Read | Perm.Write | (plan.execStack ? Perm.Exec : 0);
  const initial = Math.min(layout.stackTop - layout.stackBottom, INITIAL_STACK);
  arena.map(layout.stackTop - initial, initial, stackPerm);
  arena.growth = { floor: layout.stackBottom, bottom: layout.stackTop - initial, perm: stackPerm };

  // AT_HWCAP is CPUID leaf 1's EDX, exactly what the guest's CPUID reports.
  const regs = new Int32Array(4);
  machine.cpu.cpuidSource.cpuid(1, 0, regs);
  const uid = o.uid ?? 0, gid = o.gid ?? 0;
  const stack = buildInitialStack(arena, layout.stackTop, {
    argv: o.argv.map(bytesOf), envp: o.envp.map(bytesOf),
    execfn: bytesOf(o.execfn ?? o.name), random: o.random,
    aux: { hwcap: regs[3] >>> 0, phdr: plan.phdrAddress, phnum: plan.phnum, entry: plan.entry, uid, euid: o.euid ?? uid, gid, egid: o.egid ?? gid },
  });

  const cpu = machine.cpu;
  cpu.r.fill(0);
  cpu.r[ESP] = stack.esp;
  cpu.eflags = 0x202;
  machine.eip = plan.entry;
  return { plan, layout, stack, entry: plan.entry, brk: plan.brk };
}
