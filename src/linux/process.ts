// A Linux process of the personality: its Machine (CPU + arena + code cache), file descriptors,
// file-system context, memory layout (brk, mmap area) and identity. The syscall handlers in
// syscalls/ act on it.

import { Machine } from '../engine/machine.js';
import type { Arena } from '../memory/arena.js';
import { FdTable } from './fd.js';

export class LinuxProcess {
  readonly machine: Machine;
  readonly fds: FdTable;
  pid: number;

  constructor(machine: Machine, pid: number, fds = new FdTable()) {
    this.machine = machine;
    this.pid = pid;
    this.fds = fds;
  }

  get mem(): Arena {
    return this.machine.memory;
  }
}
