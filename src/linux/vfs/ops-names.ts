// Calls that change names: mkdir, unlink, rmdir, rename, link, symlink, and readlink. Each
// resolves without following the final symlink, then checks in Linux's order: existence,
// mount points (EBUSY), same mount (EXDEV), read-only mounts (EROFS), write and search
// permission on the directory, and the sticky bit.

import {
  EBUSY, EEXIST, EINVAL, EISDIR, ENAMETOOLONG, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, EROFS, EXDEV,
} from '../errno.js';
import type { FsContext } from './context.js';
import type { Loc } from './mount.js';
import { type Walk } from './vfs.js';
import { PATH_MAX, S_IFDIR, S_IFLNK, S_IFREG, S_ISVTX, W_OK, X_OK, checkName, fail, R_OK } from './types.js';
import { allowed } from './vfs.js';

const walk = (ctx: FsContext, start: Loc, path: string, follow = false): Walk =>
  ctx.vfs.walk(ctx, ctx.root, start, path, follow);

const special = (name: string): boolean => name === '' || name === '.' || name === '..';

/** True when `loc` is the root of a mount (which cannot be removed or renamed). */
export const isMountRoot = (loc: Loc): boolean => loc.node === loc.mount.fs.root;

/** The directory must take changes: writable mount, write and search permission. */
function changeable(ctx: FsContext, dir: Loc): void {
  if (dir.mount.readOnly) fail(EROFS);
  ctx.vfs.permit(dir, ctx, W_OK | X_OK);
}

/** In a sticky directory only the owner of the entry or of the directory may remove it. */
function sticky(ctx: FsContext, dir: Loc, victim: Loc): void {
  if (dir.mount.fs.hostChecksAccess || ctx.fsuid === 0) return;
  const d = ctx.vfs.stat(dir, ctx);
  if (!(d.mode & S_ISVTX) || d.uid === ctx.fsuid) return;
  if (ctx.vfs.stat(victim, ctx).uid !== ctx.fsuid) fail(EPERM);
}

export function mkdirAt(ctx: FsContext, start: Loc, path: string, mode: number): void {
  const w = walk(ctx, start, path);
  if (w.loc !== null || special(w.name)) fail(EEXIST);
  checkName(w.name);
  changeable(ctx, w.parent);
  w.parent.mount.fs.mkdir(w.parent.node, w.name, mode & 0o1777 & ~ctx.umask, ctx);
}

/** unlink (rmdir false) or rmdir (true). */
export function removeAt(ctx: FsContext, start: Loc, path: string, rmdir: boolean): void {
  const w = walk(ctx, start, path);
  if (rmdir) {
    if (w.name === '.') fail(EINVAL);
    if (w.name === '..') fail(ENOTEMPTY);
    if (w.name === '') fail(EBUSY);
  } else if (special(w.name)) {
    fail(EISDIR);
  }
  if (w.loc === null) fail(ENOENT);
  const isDir = w.loc.node.type === S_IFDIR;
  if (rmdir && !isDir) fail(ENOTDIR);
  if (!rmdir && isDir) fail(EISDIR);
  if (isMountRoot(w.loc)) fail(EBUSY);
  changeable(ctx, w.parent);
  sticky(ctx, w.parent, w.loc);
  const fs = w.parent.mount.fs;
  if (rmdir) fs.rmdir(w.parent.node, w.name, ctx);
  else fs.unlink(w.parent.node, w.name, ctx);
}

export const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2;

export function renameAt(ctx: FsContext, oldStart: Loc, oldPath: string, newStart: Loc, newPath: string, flags = 0): void {
  if (flags & ~RENAME_NOREPLACE) fail(EINVAL);
  const o = walk(ctx, oldStart, oldPath);
  const n = walk(ctx, newStart, newPath);
  if (special(o.name) || special(n.name)) fail(EBUSY);
  if (o.loc === null) fail(ENOENT);
  checkName(n.name);
  if (o.parent.mount !== n.parent.mount) fail(EXDEV);
  if (isMountRoot(o.loc) || (n.loc !== null && isMountRoot(n.loc))) fail(EBUSY);
  const srcDir = o.loc.node.type === S_IFDIR;
  if (n.slash && !srcDir) fail(ENOTDIR);
  if (n.loc !== null) {
    if (flags & RENAME_NOREPLACE) fail(EEXIST);
    if (n.loc.same(o.loc)) return;
    const dstDir = n.loc.node.type === S_IFDIR;
    if (srcDir && !dstDir) fail(ENOTDIR);
    if (!srcDir && dstDir) fail(EISDIR);
  }
  if (srcDir) {
    // Moving a directory below itself would cut it off from the tree.
    for (let a: Loc | null = n.parent; a !== null; a = a.parent) if (a.same(o.loc)) fail(EINVAL);
  }
  changeable(ctx, o.parent);
  changeable(ctx, n.parent);
  sticky(ctx, o.parent, o.loc);
  if (n.loc !== null) sticky(ctx, n.parent, n.loc);
  o.parent.mount.fs.rename(o.parent.node, o.name, n.parent.node, n.name, ctx);
}

export function linkAt(ctx: FsContext, oldStart: Loc, oldPath: string, newStart: Loc, newPath: string, follow: boolean): void {
  const o = walk(ctx, oldStart, oldPath, follow);
  if (o.loc === null) fail(o.magic !== null ? EXDEV : ENOENT);
  if (o.loc.node.type === S_IFDIR) fail(EPERM);
  const n = walk(ctx, newStart, newPath);
  if (n.loc !== null || special(n.name)) fail(EEXIST);
  if (n.slash) fail(ENOENT);
  checkName(n.name);
  if (o.loc.mount !== n.parent.mount) fail(EXDEV);
  changeable(ctx, n.parent);
  const fs = n.parent.mount.fs;
  if (!fs.hostChecksAccess && ctx.fsuid !== 0) {
    // protected_hardlinks: only the owner, or someone who may read and write a regular file.
    const st = ctx.vfs.stat(o.loc, ctx);
    const mayUse = (st.mode & 0o170000) === S_IFREG && allowed(st, ctx, R_OK | W_OK);
    if (st.uid !== ctx.fsuid && !mayUse) fail(EPERM);
  }
  fs.link(n.parent.node, n.name, o.loc.node, ctx);
}

export function symlinkAt(ctx: FsContext, target: string, start: Loc, path: string): void {
  if (target === '') fail(ENOENT);
  if (target.length >= PATH_MAX) fail(ENAMETOOLONG);
  const w = walk(ctx, start, path);
  if (w.loc !== null || special(w.name)) fail(EEXIST);
  if (w.slash) fail(ENOENT);
  checkName(w.name);
  changeable(ctx, w.parent);
  w.parent.mount.fs.symlink(w.parent.node, w.name, target, ctx);
}

export function readlinkAt(ctx: FsContext, start: Loc, path: string): string {
  const w = walk(ctx, start, path);
  if (w.loc === null) fail(ENOENT);
  if (w.loc.node.type !== S_IFLNK) fail(EINVAL);
  return w.loc.mount.fs.readlink(w.loc.node, ctx);
}
