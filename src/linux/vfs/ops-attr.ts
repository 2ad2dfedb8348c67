// Calls on a file's attributes and the working directory: stat, access, chmod, chown,
// utimensat, truncate, chdir and getcwd. Ownership rules are Linux's for an unprivileged
// process (root may do anything); on host mounts the host kernel has the last word.

import { EACCES, EINVAL, EISDIR, ENOENT, ENOTDIR, EPERM, EROFS } from '../errno.js';
import type { FileDescription } from '../fd.js';
import type { FsContext } from './context.js';
import { Loc } from './mount.js';
import { type FileStat, F_OK, S_IFDIR, S_IFMT, S_IFREG, S_ISGID, W_OK, X_OK, fail } from './types.js';
import { allowed } from './vfs.js';

/** What a path names: a location, or (for /proc/self/fd links to pipes) a description. */
export function lookupAt(ctx: FsContext, start: Loc, path: string, follow: boolean): Loc | FileDescription {
  const w = ctx.vfs.walk(ctx, ctx.root, start, path, follow);
  if (w.magic !== null) return w.magic;
  if (w.loc === null) fail(ENOENT);
  return w.loc;
}

/** A location only: a description without a place cannot be changed by path. */
export function locAt(ctx: FsContext, start: Loc, path: string, follow: boolean): Loc {
  const r = lookupAt(ctx, start, path, follow);
  if (!(r instanceof Loc)) fail(EPERM);
  return r;
}

export function statAt(ctx: FsContext, start: Loc, path: string, follow: boolean): FileStat {
  const r = lookupAt(ctx, start, path, follow);
  if (r instanceof Loc) return ctx.vfs.stat(r, ctx);
  if (r.stat === undefined) fail(ENOENT);
  return r.stat();
}

/** access/faccessat: `mode` of R_OK|W_OK|X_OK (F_OK: existence only). */
export function accessAt(ctx: FsContext, start: Loc, path: string, mode: number, follow: boolean): void {
  if (mode & ~7) fail(EINVAL);
  const r = lookupAt(ctx, start, path, follow);
  if (!(r instanceof Loc) || mode === F_OK) return;
  const type = r.node.type;
  if (mode & W_OK && r.mount.readOnly && (type === S_IFREG || type === S_IFDIR || type === 0o120000)) fail(EROFS);
  const fs = r.mount.fs;
  if (fs.hostChecksAccess) fs.access?.(r.node, mode);
  else if (!allowed(ctx.vfs.stat(r, ctx), ctx, mode)) fail(EACCES);
}

/** Only the owner (or root) may change a file's mode, owner or times: EPERM otherwise. */
function owner(ctx: FsContext, loc: Loc): FileStat {
  const st = ctx.vfs.stat(loc, ctx);
  if (!loc.mount.fs.hostChecksAccess && ctx.fsuid !== 0 && ctx.fsuid !== st.uid) fail(EPERM);
  return st;
}

export function chmodLoc(ctx: FsContext, loc: Loc, mode: number): void {
  if (loc.mount.readOnly) fail(EROFS);
  const st = owner(ctx, loc);
  let m = mode & 0o7777;
  // A non-root owner outside the file's group cannot set its set-group-ID bit.
  if (ctx.fsuid !== 0 && st.gid !== ctx.fsgid && !ctx.groups.includes(st.gid)) m &= ~S_ISGID;
  loc.mount.fs.chmod(loc.node, m, ctx);
}

/** chown: -1 leaves an ID as it is. Unprivileged: only to a group the caller is in, never another owner. */
export function chownLoc(ctx: FsContext, loc: Loc, uid: number, gid: number): void {
  if (loc.mount.readOnly) fail(EROFS);
  const st = ctx.vfs.stat(loc, ctx);
  const fs = loc.mount.fs;
  if (!fs.hostChecksAccess && ctx.fsuid !== 0) {
    const isOwner = ctx.fsuid === st.uid;
    const inGroup = gid === ctx.fsgid || ctx.groups.includes(gid);
    if (uid !== -1 && !(isOwner && uid === st.uid)) fail(EPERM);
    if (gid !== -1 && !(isOwner && (inGroup || gid === st.gid))) fail(EPERM);
  }
  if (fs.chown === undefined) fail(EPERM);
  fs.chown(loc.node, uid, gid, ctx);
}

/** A utimensat time: ns since the epoch, 'now', or null to leave it (UTIME_OMIT). */
export type TimeSpec = bigint | 'now' | null;

export function utimensLoc(ctx: FsContext, loc: Loc, atime: TimeSpec, mtime: TimeSpec): void {
  if (atime === null && mtime === null) return;
  if (loc.mount.readOnly) fail(EROFS);
  const fs = loc.mount.fs;
  if (!fs.hostChecksAccess && ctx.fsuid !== 0) {
    const st = ctx.vfs.stat(loc, ctx);
    const explicit = (atime !== null && atime !== 'now') || (mtime !== null && mtime !== 'now');
    // Setting explicit times needs ownership; setting "now" is enough to be able to write.
    if (st.uid !== ctx.fsuid && (explicit || !allowed(st, ctx, W_OK))) fail(explicit ? EPERM : EACCES);
  }
  const now = ctx.now();
  fs.utimes(loc.node, atime === 'now' ? now : atime, mtime === 'now' ? now : mtime, ctx);
}

export function truncateAt(ctx: FsContext, start: Loc, path: string, length: number): void {
  if (length < 0) fail(EINVAL);
  const loc = locAt(ctx, start, path, true);
  if (loc.node.type === S_IFDIR) fail(EISDIR);
  if (loc.node.type !== S_IFREG) fail(EINVAL);
  if (loc.mount.readOnly) fail(EROFS);
  ctx.vfs.permit(loc, ctx, W_OK);
  loc.mount.fs.truncate(loc.node, length, ctx);
}

/** chdir: a directory the caller may search. */
export function chdirTo(ctx: FsContext, loc: Loc): void {
  if ((ctx.vfs.stat(loc, ctx).mode & S_IFMT) !== S_IFDIR) fail(ENOTDIR);
  ctx.vfs.permit(loc, ctx, X_OK);
  ctx.cwd = loc;
}

/** getcwd: the working directory's path, ENOENT once it has been removed. */
export function getcwd(ctx: FsContext): string {
  const st = ctx.vfs.stat(ctx.cwd, ctx);
  if (st.nlink === 0) fail(ENOENT);
  return ctx.cwd.path;
}
