// A tenant's memory limit, shared by every process of its family (the first process and all it
// forks or execs): what they have mapped together, plus what they cost the host besides guest
// pages. brk/mmap/mremap past it fail with ENOMEM (AddressSpace.checkLimit); growth the guest
// cannot be refused (translated code, page tables) is checked between slices and ends the tenant.
//
// Host costs are estimates, stated here so the figure can be read: per process a fixed part for
// the engine's tables and the process record; the page-permission table pages the guest's
// mappings touched (one 4 KiB page per 16 MiB of address space in use); the tenant's private
// translations at 4 bytes per byte of generated source (source, bytecode and machine code; code
// shared by content with other tenants is not charged: it exists once, whoever runs it); and a
// fixed part per open file descriptor.

import type { AddressSpace } from './mm.js';
import type { LinuxProcess } from './process.js';

/** Engine tables (block lookup, caches) and the process record. */
export const PROCESS_HOST_BYTES = 64 * 1024;
export const FD_HOST_BYTES = 1024;
export const CODE_HOST_FACTOR = 4;

/** What one process costs the host besides its mapped guest pages. */
export interface HostCost {
  (): number;
}

export class MemoryBudget {
  private readonly members = new Map<AddressSpace, HostCost>();
  /** The most bytes charged at once so far. */
  peak = 0;

  constructor(
    /** Bytes the family may have charged at once (Infinity: no limit, only accounting). */
    readonly limit: number,
    /** Called when a mapping is refused (the embedder counts refusals). */
    readonly onLimit: ((wanted: number) => void) | null = null,
  ) {}

  /** An address space joins the family's account (a new process, or a process after exec). */
  join(mm: AddressSpace, host: HostCost): void {
    this.members.set(mm, host);
    mm.budget = this;
    this.note();
  }

  /** An address space leaves (its process ended, or exec replaced it). */
  leave(mm: AddressSpace): void {
    this.members.delete(mm);
    if (mm.budget === this) mm.budget = null;
  }

  /** Bytes charged now: every member's mappings plus its host cost. */
  charged(): number {
    let n = 0;
    for (const [mm, host] of this.members) n += mm.committed() + host();
    return n;
  }

  /** Records the peak; returns the charge. */
  note(): number {
    const n = this.charged();
    if (n > this.peak) this.peak = n;
    return n;
  }
}

/** The host cost of process `p` now (see the header for what is counted). */
export function processHostCost(p: LinuxProcess): number {
  return PROCESS_HOST_BYTES + p.machine.memory.tablePages * 4096 + p.machine.stats.privateCodeBytes * CODE_HOST_FACTOR +
    p.fds.size * FD_HOST_BYTES;
}
