// open(2) in the VFS: resolution with O_NOFOLLOW / O_CREAT|O_EXCL semantics, creation with the
// umask, O_DIRECTORY, O_TRUNC, O_PATH, permission and read-only checks in Linux's order, and
// the description that fits what was opened. Also reading a program file for execve.

import { EACCES, EEXIST, EISDIR, ELOOP, ENOENT, ENOMEM, ENOTDIR, ENXIO, EOPNOTSUPP, EROFS } from '../errno.js';
import type { FileDescription } from '../fd.js';
import type { FsContext } from './context.js';
import { DirDesc, FileDesc, PathDesc, VfsDescription } from './description.js';
import type { Loc } from './mount.js';
import {
  type FileHandle, type SpecialOpen, O_ACCMODE, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_PATH, O_RDONLY,
  O_TMPFILE_BIT, O_TRUNC, O_WRONLY, R_OK, S_IFDIR, S_IFLNK, S_IFREG, W_OK, X_OK, checkName, fail,
} from './types.js';

/** Creation-time flags: they do not stay in the description's status flags (F_GETFL). */
const OPEN_ONLY = O_CREAT | O_EXCL | 0x100 /* O_NOCTTY */ | O_TRUNC | 0x80000 /* O_CLOEXEC */;
/** The largest program file execve reads. */
const MAX_PROGRAM = 512 * 1024 * 1024;

const isSpecial = (h: FileHandle | SpecialOpen): h is SpecialOpen => !('pread' in h);

/** Opens `path` (relative to `start`) as open(2)/openat(2) would. */
export function openAt(ctx: FsContext, start: Loc, path: string, flags: number, mode: number): FileDescription {
  const vfs = ctx.vfs;
  if ((flags & O_TMPFILE_BIT) !== 0) fail(EOPNOTSUPP);
  const keep = flags & ~OPEN_ONLY;
  if (flags & O_PATH) {
    const w = vfs.walk(ctx, ctx.root, start, path, (flags & O_NOFOLLOW) === 0);
    if (w.loc === null) fail(ENOENT);
    const loc = w.loc;
    if (flags & O_DIRECTORY && loc.node.type !== S_IFDIR) fail(ENOTDIR);
    return new PathDesc(keep & (O_PATH | O_DIRECTORY | O_NOFOLLOW), loc, () => vfs.stat(loc, ctx));
  }
  const creating = (flags & O_CREAT) !== 0;
  const follow = (flags & O_NOFOLLOW) === 0 && !(creating && flags & O_EXCL);
  const w = vfs.walk(ctx, ctx.root, start, path, follow);
  const acc = flags & O_ACCMODE;
  const wantWrite = acc !== O_RDONLY;

  if (w.magic !== null) {
    if (w.magic.reopen === undefined) fail(ENXIO);
    return w.magic.reopen(keep);
  }
  if (w.loc === null) {
    if (!creating) fail(ENOENT);
    if (w.slash) fail(EISDIR);
    return create(ctx, w.parent, w.name, flags, mode);
  }
  const loc = w.loc;
  if (creating && flags & O_EXCL) fail(EEXIST);
  const type = loc.node.type;
  if (type === S_IFLNK) fail(ELOOP);
  if (flags & O_DIRECTORY && type !== S_IFDIR) fail(ENOTDIR);
  if (type === S_IFDIR) {
    if (wantWrite || creating) fail(EISDIR);
    vfs.permit(loc, ctx, R_OK);
    return new DirDesc(keep, loc, () => vfs.list(loc, ctx), () => vfs.stat(loc, ctx));
  }
  // O_TRUNC needs write permission even with O_RDONLY, and truncates then (as Linux does).
  const trunc = (flags & O_TRUNC) !== 0 && type === S_IFREG;
  if ((wantWrite || trunc) && loc.mount.readOnly && type === S_IFREG) fail(EROFS);
  vfs.permit(loc, ctx, (acc === O_WRONLY ? 0 : R_OK) | (wantWrite || trunc ? W_OK : 0));
  if (trunc) loc.mount.fs.truncate(loc.node, 0, ctx);
  const opened = loc.mount.fs.open(loc.node, flags, ctx);
  if (isSpecial(opened)) {
    const desc = opened.open(keep, ctx);
    if (desc instanceof VfsDescription) {
      desc.loc = loc;
      desc.statFn ??= () => vfs.stat(loc, ctx);
    }
    return desc;
  }
  return new FileDesc(keep, opened, loc, () => ctx.now());
}

/** O_CREAT of a name that does not exist yet: no permission check on the new file itself. */
function create(ctx: FsContext, dir: Loc, name: string, flags: number, mode: number): FileDescription {
  if (name === '' || name === '.' || name === '..') fail(EISDIR);
  checkName(name);
  if (dir.mount.readOnly) fail(EROFS);
  ctx.vfs.permit(dir, ctx, W_OK | X_OK);
  const fs = dir.mount.fs;
  const perm = mode & 0o7777 & ~ctx.umask;
  let handle: FileHandle | SpecialOpen;
  if (fs.createOpen !== undefined) {
    handle = fs.createOpen(dir.node, name, perm, flags, ctx).handle;
  } else {
    const node = fs.create(dir.node, name, perm, ctx);
    handle = fs.open(node, flags, ctx);
  }
  const loc = ctx.vfs.child(dir, name, ctx);
  if (loc === null || isSpecial(handle)) {
    if (!isSpecial(handle)) handle.close();
    fail(ENOENT);
  }
  return new FileDesc(flags & ~OPEN_ONLY, handle, loc, () => ctx.now());
}

/** Reads a program for execve: a regular file the caller may execute. */
export function readExecutable(ctx: FsContext, start: Loc, path: string): { data: Uint8Array; path: string } {
  const vfs = ctx.vfs;
  const w = vfs.walk(ctx, ctx.root, start, path, true);
  if (w.loc === null) fail(w.magic !== null ? EACCES : ENOENT);
  const loc = w.loc;
  if (loc.node.type !== S_IFREG) fail(EACCES);
  const fs = loc.mount.fs;
  if (fs.hostChecksAccess) fs.access?.(loc.node, X_OK);
  else vfs.permit(loc, ctx, X_OK);
  const opened = fs.open(loc.node, O_RDONLY, ctx);
  if (isSpecial(opened)) fail(EACCES);
  try {
    const size = opened.size();
    if (size > MAX_PROGRAM) fail(ENOMEM);
    const data = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const n = opened.pread(data.subarray(done), done);
      if (n <= 0) break;
      done += n;
    }
    return { data: data.subarray(0, done), path: loc.path };
  } finally {
    opened.close();
  }
}
