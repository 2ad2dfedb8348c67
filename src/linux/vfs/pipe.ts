// Pipes: a 64 KiB buffer shared by a read end and a write end. A read of an empty pipe blocks
// (returns Blocked on the pipe's wait queue) while a writer exists and is EOF (0) once none
// does; a write blocks while the pipe is full and fails with EPIPE once no reader exists (the
// syscall layer then raises SIGPIPE). Writes of at most PIPE_BUF bytes are atomic: they wait
// until all of it fits. A larger blocking write takes what fits and returns that count, a
// short write the caller's loop continues (Linux would keep the writer until all is written).
// O_NONBLOCK turns every wait into EAGAIN. Each change wakes the queue, oldest waiter first.

import { EAGAIN, EBADF, EPIPE } from '../errno.js';
import type { FileDescription } from '../fd.js';
import { Blocked, type SyscallResult } from '../syscalls/registry.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, VfsDescription } from './description.js';
import { type FileStat, O_ACCMODE, O_RDONLY, O_RDWR, O_WRONLY, S_IFIFO } from './types.js';
import { ByteQueue } from './byte-queue.js';
import { WaitQueue } from './waitq.js';

export const PIPE_BUF = 4096;
export const PIPE_CAPACITY = 65536;
/** Pipes live on Linux's pipefs; its anonymous device is shown for them. */
const PIPEFS_MINOR = 13;
let nextPipeIno = 100_000;

export class Pipe {
  readonly queue = new WaitQueue();
  readonly ino = nextPipeIno++;
  readers = 0;
  writers = 0;
  private readonly bytes = new ByteQueue();

  constructor(readonly uid = 0, readonly gid = 0, readonly created = 0n) {}

  get space(): number { return PIPE_CAPACITY - this.length; }

  /** Bytes waiting in the pipe. */
  get length(): number { return this.bytes.length; }

  put(data: Uint8Array): void {
    this.bytes.put(data.slice());
    this.queue.wake();
  }

  take(buf: Uint8Array): number {
    const n = this.bytes.take(buf);
    if (n > 0) this.queue.wake();
    return n;
  }
}

/** One end of a pipe (or both, for an O_RDWR reopen through /proc/self/fd). */
export class PipeEnd extends VfsDescription {
  private closed = false;
  readonly canRead: boolean;
  readonly canWrite: boolean;

  constructor(readonly pipe: Pipe, flags: number) {
    super(flags);
    const acc = flags & O_ACCMODE;
    this.canRead = acc === O_RDONLY || acc === O_RDWR;
    this.canWrite = acc === O_WRONLY || acc === O_RDWR;
    if (this.canRead) pipe.readers++;
    if (this.canWrite) pipe.writers++;
  }

  override read(buf: Uint8Array): SyscallResult {
    if (!this.canRead) return -EBADF;
    if (buf.length === 0) return 0;
    if (this.pipe.length > 0) return this.pipe.take(buf);
    if (this.pipe.writers === 0) return 0;
    if (this.nonBlocking) return -EAGAIN;
    return new Blocked(this.pipe.queue.wait());
  }

  override write(data: Uint8Array): SyscallResult {
    if (!this.canWrite) return -EBADF;
    if (data.length === 0) return 0;
    const p = this.pipe;
    if (p.readers === 0) return -EPIPE;
    const fits = data.length <= PIPE_BUF ? p.space >= data.length : p.space > 0;
    if (!fits) return this.nonBlocking ? -EAGAIN : new Blocked(p.queue.wait());
    const n = Math.min(data.length, p.space);
    p.put(data.subarray(0, n));
    return n;
  }

  override poll(): number {
    const p = this.pipe;
    let mask = 0;
    if (this.canRead) {
      if (p.length > 0) mask |= POLLIN | POLLRDNORM;
      if (p.writers === 0) mask |= POLLHUP;
    }
    if (this.canWrite) {
      if (p.space >= PIPE_BUF) mask |= POLLOUT | POLLWRNORM;
      if (p.readers === 0) mask |= POLLERR;
    }
    return mask;
  }

  override pollQueues(): WaitQueue[] { return [this.pipe.queue]; }
  readable(): number { return this.pipe.length; }
  override procLink(): string { return `pipe:[${this.pipe.ino}]`; }
  reopen(flags: number): FileDescription { return new PipeEnd(this.pipe, flags); }

  override stat(): FileStat {
    const t = this.pipe.created;
    return {
      devMajor: 0, devMinor: PIPEFS_MINOR, ino: this.pipe.ino, mode: S_IFIFO | 0o600, nlink: 1,
      uid: this.pipe.uid, gid: this.pipe.gid, rdevMajor: 0, rdevMinor: 0, size: 0, blksize: 4096, blocks: 0,
      atimeNs: t, mtimeNs: t, ctimeNs: t, btimeNs: null,
    };
  }

  override close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.canRead) this.pipe.readers--;
    if (this.canWrite) this.pipe.writers--;
    this.pipe.queue.wake();
  }
}

/** A new pipe: [read end, write end] with the given extra status flags (O_NONBLOCK). */
export function makePipe(extra: number, uid = 0, gid = 0, now = 0n): [PipeEnd, PipeEnd] {
  const pipe = new Pipe(uid, gid, now);
  return [new PipeEnd(pipe, O_RDONLY | extra), new PipeEnd(pipe, O_WRONLY | extra)];
}
