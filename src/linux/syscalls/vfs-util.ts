// Helpers shared by the file system calls: a handler wrapper that turns VFS errors and guest
// memory faults into -errno (so a hostile pointer is EFAULT even when a handler is called
// directly), reading path arguments with Linux's limits, finding the directory an *at call
// starts from, descriptor lookup, and the SIGPIPE hook.

import { EBADF, EFAULT, ENAMETOOLONG, ENOENT, ENOTDIR } from '../errno.js';
import type { FileDescription } from '../fd.js';
import type { LinuxProcess } from '../process.js';
import { GuestFault, PAGE_SIZE } from '../../memory/arena.js';
import { fsOf } from '../vfs/attach.js';
import type { FsContext } from '../vfs/context.js';
import { VfsDescription } from '../vfs/description.js';
import type { Loc } from '../vfs/mount.js';
import { AT_FDCWD, PATH_MAX, S_IFDIR, VfsError, bytesToName, fail } from '../vfs/types.js';
import { defineSyscall, type SyscallHandler, type SyscallResult } from './registry.js';
import { RLIMIT_NOFILE } from '../identity.js';
import { copiedPath } from './call-copies.js';

const SIGPIPE = 13;

/** What happens to a process whose write hit EPIPE. The signal owner replaces this. */
export const fileHooks = {
  /** Default: SIGPIPE's default action, death by the signal. */
  sigpipe(p: LinuxProcess): void {
    p.terminate({ kind: 'signaled', signal: SIGPIPE });
  },
};

/** Runs a handler body; VfsError and GuestFault become -errno. */
export function guard(p: LinuxProcess, a: Uint32Array, fn: SyscallHandler): SyscallResult {
  try {
    return fn(p, a);
  } catch (e) {
    if (e instanceof VfsError) return -e.errno;
    if (e instanceof GuestFault) return -EFAULT;
    throw e;
  }
}

/** defineSyscall with the guard around the handler. */
export function defineFileCall(nr: number, name: string, fn: SyscallHandler): void {
  defineSyscall(nr, name, (p, a) => guard(p, a, fn));
}

/**
 * A path argument as a byte string: EFAULT when unreadable, ENAMETOOLONG when no NUL comes
 * within PATH_MAX bytes, ENOENT for the empty path unless `emptyOk` (AT_EMPTY_PATH).
 */
export function readPath(p: LinuxProcess, address: number, emptyOk = false): string {
  // The copy the policy judged, when the call runs under one (call-copies.ts): no second read.
  const copied = copiedPath(p, address);
  if (copied !== undefined) return copied === '' && !emptyOk ? fail(ENOENT) : copied;
  const mem = p.mem;
  const parts: Uint8Array[] = [];
  let len = 0;
  let at = address >>> 0;
  while (len < PATH_MAX) {
    // Read to the end of the page at most: the next page may not be mapped.
    const chunk = Math.min(PAGE_SIZE - (at % PAGE_SIZE), PATH_MAX - len);
    const bytes = mem.readBytes(at, chunk);
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
      parts.push(bytes.subarray(0, nul));
      len += nul;
      const path = bytesToName(parts.length === 1 ? parts[0] : Buffer.concat(parts));
      if (path === '' && !emptyOk) fail(ENOENT);
      return path;
    }
    parts.push(bytes);
    len += chunk;
    at += chunk;
  }
  return fail(ENAMETOOLONG);
}

export const fs = (p: LinuxProcess): FsContext => fsOf(p);

/** The open description of `fd`, or EBADF. */
export function desc(p: LinuxProcess, fd: number): FileDescription {
  const d = p.fds.get(fd | 0);
  return d ?? fail(EBADF);
}

/** The location an open description names (files, directories, O_PATH), or null. */
export function locOf(d: FileDescription): Loc | null {
  return d instanceof VfsDescription ? d.loc : null;
}

/** Where an *at call resolves `path` from: the cwd, or the directory `dirfd` names. */
export function startAt(p: LinuxProcess, dirfd: number, path: string): Loc {
  const ctx = fsOf(p);
  if (path.startsWith('/')) return ctx.root;
  if ((dirfd | 0) === AT_FDCWD) return ctx.cwd;
  const loc = locOf(desc(p, dirfd));
  if (loc === null || (path !== '' && loc.node.type !== S_IFDIR)) fail(ENOTDIR);
  return loc;
}

/** The soft RLIMIT_NOFILE as the fd table's limit (kept current before installing). */
export function fdLimit(p: LinuxProcess): number {
  const soft = p.rlimits[RLIMIT_NOFILE]?.[0] ?? 1024n;
  const limit = Number(soft > 1048576n ? 1048576n : soft);
  p.fds.limit = limit;
  return limit;
}

/** Installs a description at the lowest free number >= min; -EMFILE when none is left. */
export function install(p: LinuxProcess, d: FileDescription, cloexec: boolean, min = 0): number {
  fdLimit(p);
  const fd = p.fds.install(d, min, cloexec);
  if (fd < 0 && d.refs === 0) d.close();
  return fd;
}

/** Copies `bytes` to guest memory (EFAULT if it cannot take them). */
export function put(p: LinuxProcess, address: number, bytes: Uint8Array): void {
  if (bytes.length > 0) p.mem.writeBytes(address, bytes);
}
