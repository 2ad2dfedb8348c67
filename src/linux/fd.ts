// File descriptors: a per-process table of numbers -> open file descriptions. Descriptions are
// shared (reference-counted) across dup and fork, as Linux shares them, so offsets and status
// flags are shared too.

import type { SyscallResult } from './syscalls/registry.js';

/** An open file description: a file, directory, pipe end, device or terminal. */
export interface FileDescription {
  /** Status flags (O_APPEND, O_NONBLOCK ...) and the access mode. */
  flags: number;
  /** Reads up to buf.length bytes (returns count, 0 at EOF, -errno, or Blocked). */
  read(buf: Uint8Array): SyscallResult;
  write(data: Uint8Array): SyscallResult;
  /** Called when the last descriptor referring to it is closed. */
  close(): void;
  refs: number;
}

export class FdTable {
  private readonly table: (FileDescription | undefined)[] = [];
  /** FD_CLOEXEC per descriptor. */
  private readonly cloexec: boolean[] = [];

  get(fd: number): FileDescription | undefined {
    return fd >= 0 ? this.table[fd] : undefined;
  }

  /** Installs at the lowest free number >= min; returns the number. */
  install(desc: FileDescription, min = 0, closeOnExec = false): number {
    let fd = min;
    while (this.table[fd] !== undefined) fd++;
    this.table[fd] = desc;
    this.cloexec[fd] = closeOnExec;
    desc.refs++;
    return fd;
  }

  /** Installs at exactly `fd`, closing what was there (dup2). */
  installAt(fd: number, desc: FileDescription, closeOnExec = false): void {
    if (this.table[fd] === desc) return;
    this.close(fd);
    this.table[fd] = desc;
    this.cloexec[fd] = closeOnExec;
    desc.refs++;
  }

  close(fd: number): boolean {
    const d = this.table[fd];
    if (d === undefined) return false;
    this.table[fd] = undefined;
    if (--d.refs === 0) d.close();
    return true;
  }

  isCloseOnExec(fd: number): boolean { return this.cloexec[fd] === true; }
  setCloseOnExec(fd: number, on: boolean): void { this.cloexec[fd] = on; }

  /** Open descriptor numbers. */
  numbers(): number[] {
    const out: number[] = [];
    this.table.forEach((d, fd) => { if (d !== undefined) out.push(fd); });
    return out;
  }

  /** The table a forked child gets: same descriptions, one more reference each. */
  fork(): FdTable {
    const t = new FdTable();
    this.table.forEach((d, fd) => { if (d !== undefined) t.installAt(fd, d, this.cloexec[fd]); });
    return t;
  }

  closeAll(): void {
    for (const fd of this.numbers()) this.close(fd);
  }
}
