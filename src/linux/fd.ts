// File descriptors: a per-process table of numbers -> open file descriptions. Descriptions are
// shared (reference-counted) across dup and fork, as Linux shares them, so offsets and status
// flags are shared too. The close-on-exec flag belongs to the descriptor, not the description.

import type { SyscallResult } from './syscalls/registry.js';
import type { FileStat } from './vfs/types.js';
import type { WaitQueue } from './vfs/waitq.js';

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

  // What more a description may offer; the syscall layer falls back to Linux's answer for
  // descriptions without it (ESPIPE for seeks, ENOTTY for ioctls, always-ready for poll...).
  /** Reads at an offset without moving the position (pread64, mmap). */
  pread?(buf: Uint8Array, offset: number): SyscallResult;
  pwrite?(data: Uint8Array, offset: number): SyscallResult;
  /** lseek: the new position, or -errno. */
  seek?(offset: number, whence: number): number;
  /** fstat: the file's status (may throw a VfsError). */
  stat?(): FileStat;
  truncate?(length: number): number;
  sync?(): number;
  /** poll/select: the POLL* bits ready now. */
  poll?(): number;
  /** Queues woken when poll()'s answer may have changed. */
  pollQueues?(): WaitQueue[];
  /** Bytes readable now (FIONREAD), when the description knows. */
  readable?(): number;
  /** The text of /proc/self/fd/N. */
  procLink?(): string;
  /** A new description on the same object (opening /proc/self/fd/N for a pipe or terminal). */
  reopen?(flags: number): FileDescription;
  /** Guest path, device and inode, for /proc/self/maps of file mappings. */
  path?: string;
  dev?: number;
  ino?: number;
}

/** RLIMIT_NOFILE's usual soft limit: descriptors are numbered below it. */
export const DEFAULT_FD_LIMIT = 1024;

export class FdTable {
  private readonly table: (FileDescription | undefined)[] = [];
  /** FD_CLOEXEC per descriptor. */
  private readonly cloexec: boolean[] = [];
  /** Descriptor numbers must stay below this (RLIMIT_NOFILE); the syscall layer keeps it current. */
  limit = DEFAULT_FD_LIMIT;

  get(fd: number): FileDescription | undefined {
    return fd >= 0 ? this.table[fd] : undefined;
  }

  /** Installs at the lowest free number >= min; returns the number, or -24 (EMFILE) when none is left. */
  install(desc: FileDescription, min = 0, closeOnExec = false): number {
    let fd = min;
    while (this.table[fd] !== undefined) fd++;
    if (fd >= this.limit) return -24;
    this.table[fd] = desc;
    this.cloexec[fd] = closeOnExec;
    desc.refs++;
    return fd;
  }

  /** Installs at exactly `fd`, closing what was there (dup2). */
  installAt(fd: number, desc: FileDescription, closeOnExec = false): void {
    if (this.table[fd] === desc) {
      this.cloexec[fd] = closeOnExec;
      return;
    }
    // Take the new reference first: closing the old one may not release a shared description.
    desc.refs++;
    this.close(fd);
    this.table[fd] = desc;
    this.cloexec[fd] = closeOnExec;
  }

  close(fd: number): boolean {
    const d = this.table[fd];
    if (d === undefined) return false;
    this.table[fd] = undefined;
    this.cloexec[fd] = false;
    if (--d.refs === 0) d.close();
    return true;
  }

  isCloseOnExec(fd: number): boolean { return this.cloexec[fd] === true; }
  setCloseOnExec(fd: number, on: boolean): void { this.cloexec[fd] = on; }

  /** Open descriptor numbers, ascending. */
  /** Descriptors open now (what the memory account charges; no array is built). */
  get size(): number {
    let n = 0;
    for (const d of this.table) if (d !== undefined) n++;
    return n;
  }

  numbers(): number[] {
    const out: number[] = [];
    this.table.forEach((d, fd) => { if (d !== undefined) out.push(fd); });
    return out;
  }

  /** The table a forked child gets: same descriptions, one more reference each. */
  fork(): FdTable {
    const t = new FdTable();
    t.limit = this.limit;
    this.table.forEach((d, fd) => { if (d !== undefined) t.installAt(fd, d, this.cloexec[fd]); });
    return t;
  }

  /** execve: closes every descriptor marked close-on-exec. */
  closeOnExec(): void {
    for (const fd of this.numbers()) if (this.cloexec[fd]) this.close(fd);
  }

  closeAll(): void {
    for (const fd of this.numbers()) this.close(fd);
  }
}
