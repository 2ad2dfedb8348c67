// Creating a process from a program file: a fresh Machine with its arena, the ELF image loaded
// and the stack built (src/loader), and the process's bookkeeping made to match what the loader
// mapped (segments, stack, brk, argument areas, name).

import { Machine, type MachineOptions } from '../engine/machine.js';
import type { CpuFeatures } from '../../decoder/validate.js';
import { layoutFor, loadProgram, type LoadedProgram } from '../loader/index.js';
import { AddressSpace, PROT_EXEC, PROT_READ, PROT_WRITE } from './mm.js';
import { LinuxProcess, type ProcessOptions } from './process.js';
import { processHostCost } from './memory-budget.js';
import { PAGE_SIZE, Perm } from '../memory/arena.js';

export interface SpawnOptions extends ProcessOptions {
  /** The program's bytes and how to name it in messages. */
  readonly program: Uint8Array;
  readonly name: string;
  /** The program's path as the guest sees it (/proc/self/exe; AT_EXECFN unless execfn is given). */
  readonly guestPath: string;
  /** AT_EXECFN: the path as it was given to exec (a shell passes what the user typed). */
  readonly execfn?: string;
  readonly argv: readonly string[];
  readonly envp: readonly string[];
  /** Arena size in bytes (default 1 GiB). */
  readonly memorySize?: number;
  readonly features?: CpuFeatures;
  readonly maxBlockInstructions?: number;
  /** RDTSC source (default: the instruction count, which is deterministic). */
  readonly rdtsc?: 'instructions' | 'host';
}

const protOf = (perm: Perm): number =>
  (perm & Perm.Read ? PROT_READ : 0) | (perm & Perm.Write ? PROT_WRITE : 0) | (perm & Perm.Exec ? PROT_EXEC : 0);

/** Builds a ready-to-run process; throws LoadError when the program cannot be loaded. */
export function spawnProcess(o: SpawnOptions): { process: LinuxProcess; loaded: LoadedProgram } {
  const machineOptions: MachineOptions = {
    memorySize: o.memorySize, features: o.features, maxBlockInstructions: o.maxBlockInstructions, clock: o.rdtsc,
  };
  const machine = new Machine(machineOptions);
  const p = new LinuxProcess(machine, layoutFor(machine.memory.size), o);
  p.machineOptions = machineOptions;
  try {
    const loaded = loadInto(p, machine, o);
    return { process: p, loaded };
  } catch (e) {
    machine.release();
    throw e;
  }
}

export interface ImageOptions {
  readonly program: Uint8Array;
  readonly name: string;
  readonly guestPath: string;
  readonly execfn?: string;
  readonly argv: readonly (string | Uint8Array)[];
  readonly envp: readonly (string | Uint8Array)[];
}

const text = (s: string | Uint8Array): string => (typeof s === 'string' ? s : Buffer.from(s).toString('latin1'));

/** Loads the program into `machine` and makes `p`'s bookkeeping match it (p.mm must be machine's). */
function loadInto(p: LinuxProcess, machine: Machine, o: ImageOptions): LoadedProgram {
  const random = new Uint8Array(16);
  p.random.fill(random);
  const c = p.creds;
  const loaded = loadProgram(machine, o.program, {
    name: o.name, argv: o.argv, envp: o.envp, execfn: o.execfn ?? o.guestPath, random,
    uid: c.uid, euid: c.euid, gid: c.gid, egid: c.egid,
  });

  for (const s of loaded.plan.segments) {
    const start = Math.floor(s.address / PAGE_SIZE) * PAGE_SIZE;
    const end = Math.ceil((s.address + s.memsz) / PAGE_SIZE) * PAGE_SIZE;
    p.mm.record(start, end, { prot: protOf(s.perm), shared: false, label: o.guestPath, offset: s.offset - (s.address - start) });
  }
  const { stackBottom, stackTop } = loaded.layout;
  p.mm.record(stackBottom, stackTop, { prot: PROT_READ | PROT_WRITE | (loaded.plan.execStack ? PROT_EXEC : 0), shared: false, label: '[stack]' });
  p.mm.startBrk = p.mm.brk = loaded.brk;

  p.argv = o.argv.map(text);
  p.envp = o.envp.map(text);
  p.exePath = o.guestPath;
  p.exeImage = o.program;
  p.comm = (o.guestPath.split('/').pop() ?? '').slice(0, 15);
  p.argArea = { start: loaded.stack.argStart, end: loaded.stack.argEnd };
  p.envArea = { start: loaded.stack.envStart, end: loaded.stack.envEnd };
  return loaded;
}

/**
 * execve's new image: a fresh Machine (same options) with the program loaded; the process
 * switches to it only once loading has succeeded (a LoadError leaves the old image running).
 */
export function execImage(p: LinuxProcess, o: ImageOptions): LoadedProgram {
  const machine = new Machine(p.machineOptions);
  const oldMachine = p.machine, oldMm = p.mm;
  const saved = { argv: p.argv, envp: p.envp, exePath: p.exePath, exeImage: p.exeImage, comm: p.comm, argArea: p.argArea, envArea: p.envArea };
  p.machine = machine;
  p.mm = new AddressSpace(machine.memory, layoutFor(machine.memory.size), (a, n) => machine.invalidate(a, n));
  p.mm.limit = oldMm.limit;
  p.mm.onLimit = oldMm.onLimit;
  const budget = oldMm.budget;
  budget?.join(p.mm, () => processHostCost(p));
  let loaded: LoadedProgram;
  try {
    loaded = loadInto(p, machine, o);
  } catch (e) {
    budget?.leave(p.mm);
    p.machine = oldMachine;
    p.mm = oldMm;
    Object.assign(p, saved);
    machine.release();
    throw e;
  }
  // The old image is gone for good (exec does not return to it): recycle its arena.
  budget?.leave(oldMm);
  oldMachine.release();
  return loaded;
}
