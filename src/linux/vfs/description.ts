// Open file descriptions of the VFS: the base class with Linux's defaults, regular files (a
// backend FileHandle plus a position, O_APPEND), directories (a snapshot of entries read by
// getdents), O_PATH descriptions, and in-memory content (the files of /proc).

import { EBADF, EINVAL, EISDIR, ENXIO, ESPIPE } from '../errno.js';
import type { FileDescription } from '../fd.js';
import type { SyscallResult } from '../syscalls/registry.js';
import { hostErrno } from './host-errors.js';
import { type Loc, statLoc } from './mount.js';
import { MAX_FILE_SIZE } from './tmpfs.js';
import { type DirEntry, type FileHandle, type FileStat, O_APPEND, O_NONBLOCK, fail } from './types.js';
import type { WaitQueue } from './waitq.js';

export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20,
  POLLRDNORM = 0x40, POLLWRNORM = 0x100;

/** Runs a backend call, turning a VfsError (or host error) into -errno. */
export function errno(fn: () => number): number {
  try {
    return fn();
  } catch (e) {
    return -hostErrno(e);
  }
}

/** A position after lseek, or -EINVAL when it would be negative or beyond the largest file. */
export function seekTo(pos: number, offset: number, whence: number, size: () => number): number {
  let base: number;
  if (whence === SEEK_SET) base = 0;
  else if (whence === SEEK_CUR) base = pos;
  else if (whence === SEEK_END) base = size();
  else return -EINVAL;
  const next = base + offset;
  return next < 0 || next > MAX_FILE_SIZE ? -EINVAL : next;
}

export abstract class VfsDescription implements FileDescription {
  refs = 0;
  /** Where it was opened (files, directories, O_PATH); null for pipes and terminals. */
  loc: Loc | null = null;

  constructor(public flags: number) {}

  read(_buf: Uint8Array): SyscallResult { return -EINVAL; }
  write(_data: Uint8Array): SyscallResult { return -EINVAL; }
  close(): void {}
  seek(_offset: number, _whence: number): number { return -ESPIPE; }
  poll(): number { return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM; }
  pollQueues(): WaitQueue[] { return []; }
  get nonBlocking(): boolean { return (this.flags & O_NONBLOCK) !== 0; }
  procLink(): string { return this.loc?.path ?? 'anon_inode:[vxts]'; }
  /** Where fstat's answer comes from (set by whoever opened it, when it has a place). */
  statFn: (() => FileStat) | null = null;
  stat(): FileStat { return this.statFn !== null ? this.statFn() : fail(EBADF); }
}

/** A regular file: shared position, O_APPEND, times stamped with the opener's clock. */
export class FileDesc extends VfsDescription {
  position = 0;
  readonly path: string;
  readonly dev: number;
  readonly ino: number;

  constructor(flags: number, readonly handle: FileHandle, loc: Loc, private readonly now: () => bigint) {
    super(flags);
    this.loc = loc;
    this.path = loc.path;
    this.dev = loc.mount.devMinor;
    this.ino = loc.node.ino;
  }

  pread(buf: Uint8Array, offset: number): SyscallResult {
    return errno(() => {
      const n = this.handle.pread(buf, offset);
      this.handle.stamp?.('read', this.now());
      return n;
    });
  }

  pwrite(data: Uint8Array, offset: number): SyscallResult {
    return errno(() => {
      // Linux quirk kept: pwrite on an O_APPEND file appends.
      const at = this.flags & O_APPEND ? this.handle.size() : offset;
      const n = this.handle.pwrite(data, at);
      this.handle.stamp?.('write', this.now());
      return n;
    });
  }

  override read(buf: Uint8Array): SyscallResult {
    const n = this.pread(buf, this.position);
    if (typeof n === 'number' && n > 0) this.position += n;
    return n;
  }

  override write(data: Uint8Array): SyscallResult {
    return errno(() => {
      if (this.flags & O_APPEND) this.position = this.handle.size();
      const n = this.handle.pwrite(data, this.position);
      this.handle.stamp?.('write', this.now());
      this.position += n;
      return n;
    });
  }

  override seek(offset: number, whence: number): number {
    return errno(() => {
      let next: number;
      if (whence === SEEK_DATA || whence === SEEK_HOLE) {
        // No holes are tracked: data runs from 0 to the end, the only hole is at the end.
        const size = this.handle.size();
        if (offset < 0 || offset >= size) return -ENXIO;
        next = whence === SEEK_DATA ? offset : size;
      } else {
        next = seekTo(this.position, offset, whence, () => this.handle.size());
        if (next < 0) return next;
      }
      this.position = next;
      return next;
    });
  }

  truncate(length: number): number {
    return errno(() => {
      this.handle.truncate(length);
      this.handle.stamp?.('write', this.now());
      return 0;
    });
  }

  sync(): number { return errno(() => { this.handle.sync(); return 0; }); }
  readable(): number { return errno(() => Math.max(0, this.handle.size() - this.position)); }
  override stat(): FileStat { return statLoc(this.loc!, this.handle.stat()); }
  override close(): void { this.handle.close(); }
}

/** A directory: getdents reads a snapshot taken at the first read (and again after a rewind). */
export class DirDesc extends VfsDescription {
  /** Index of the next entry to return; it is also the d_off cookie of the entry before it. */
  position = 0;
  private entries: DirEntry[] | null = null;

  constructor(flags: number, loc: Loc, private readonly list: () => DirEntry[], statFn: () => FileStat) {
    super(flags);
    this.loc = loc;
    this.statFn = statFn;
  }

  override read(): SyscallResult { return -EISDIR; }
  override write(): SyscallResult { return -EBADF; }

  /** The entries from the current position on (taking the snapshot when needed). */
  pending(): DirEntry[] {
    if (this.entries === null || this.position === 0) this.entries = this.list();
    return this.entries.slice(this.position);
  }

  override seek(offset: number, whence: number): number {
    if (whence === SEEK_SET) { if (offset < 0) return -EINVAL; this.position = offset; }
    else if (whence === SEEK_CUR) { if (this.position + offset < 0) return -EINVAL; this.position += offset; }
    else return -EINVAL;
    return this.position;
  }
}

/** O_PATH: names a file for *at calls, fstat and fchdir, but cannot be read or written. */
export class PathDesc extends VfsDescription {
  constructor(flags: number, loc: Loc, statFn: () => FileStat) {
    super(flags);
    this.loc = loc;
    this.statFn = statFn;
  }

  override read(): SyscallResult { return -EBADF; }
  override write(): SyscallResult { return -EBADF; }
}

/** Read-only content made when opened (/proc/self/maps and friends), seekable like a file. */
export class MemDesc extends VfsDescription {
  position = 0;
  constructor(flags: number, private readonly content: Uint8Array, readonly path: string) {
    super(flags);
  }

  pread(buf: Uint8Array, offset: number): SyscallResult {
    if (offset >= this.content.length) return 0;
    const part = this.content.subarray(offset, Math.min(this.content.length, offset + buf.length));
    buf.set(part);
    return part.length;
  }

  override read(buf: Uint8Array): SyscallResult {
    const n = this.pread(buf, this.position) as number;
    this.position += n;
    return n;
  }

  override write(): SyscallResult { return -EBADF; }

  override seek(offset: number, whence: number): number {
    const next = seekTo(this.position, offset, whence, () => this.content.length);
    if (next >= 0) this.position = next;
    return next;
  }

  readable(): number { return Math.max(0, this.content.length - this.position); }
  override procLink(): string { return this.loc?.path ?? this.path; }
}
