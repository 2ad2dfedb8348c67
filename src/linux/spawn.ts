// Creating a process from a program file: a fresh Machine with its arena, the ELF image loaded
// and the stack built (src/loader), and the process's bookkeeping made to match what the loader
// mapped (segments, stack, brk, argument areas, name).

import { Machine } from '../engine/machine.js';
import type { CpuFeatures } from '../../decoder/validate.js';
import { layoutFor, loadProgram, type LoadedProgram } from '../loader/index.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from './mm.js';
import { LinuxProcess, type ProcessOptions } from './process.js';
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
  const machine = new Machine({
    memorySize: o.memorySize, features: o.features, maxBlockInstructions: o.maxBlockInstructions, clock: o.rdtsc,
  });
  const p = new LinuxProcess(machine, layoutFor(machine.memory.size), o);
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

  p.argv = [...o.argv];
  p.envp = [...o.envp];
  p.exePath = o.guestPath;
  p.comm = (o.guestPath.split('/').pop() ?? '').slice(0, 15);
  p.argArea = { start: loaded.stack.argStart, end: loaded.stack.argEnd };
  p.envArea = { start: loaded.stack.envStart, end: loaded.stack.envEnd };
  return { process: p, loaded };
}
