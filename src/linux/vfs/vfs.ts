// The mount table and path resolution. Resolution is done here, one component at a time, for
// every backend: each step asks the current directory's backend for one plain name, switches to
// a mounted file system when the guest path is a mount point, and expands symlinks by pushing
// their target's components (an absolute target restarts at the guest root, never the host's).
// `..` follows the chain of locations walked, so it cannot leave the guest tree. Errors are
// Linux's: ENOENT, ENOTDIR, ELOOP after 40 links, ENAMETOOLONG for a path of PATH_MAX bytes or
// a component over NAME_MAX, EACCES for a directory that may not be searched.

import { EACCES, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR } from '../errno.js';
import type { FileDescription } from '../fd.js';
import { VfsDescription } from './description.js';
import { SynthFs } from './synthfs.js';
import { childPath, Loc, Mount, statLoc } from './mount.js';
import {
  type Actor, type DirEntry, type FileStat, type FileSystem, MAX_SYMLINKS, NAME_MAX, PATH_MAX,
  S_IFDIR, S_IFLNK, X_OK, dtype, fail,
} from './types.js';

/** The outcome of a walk: the final component, its directory, and what it names (if anything). */
export interface Walk {
  /** The directory holding the final component. */
  readonly parent: Loc;
  /** The final component: a plain name, '.', '..', or '' when the path named the root. */
  readonly name: string;
  /** What the path names, or null when its final component does not exist. */
  readonly loc: Loc | null;
  /** A /proc/self/fd link to a pipe or terminal: the description opening it reopens. */
  readonly magic: FileDescription | null;
  /** The path ended in '/': the final component must be a directory. */
  readonly slash: boolean;
}

const split = (path: string): string[] => path.split('/').filter((c) => c !== '');

/** Mode-bit permission check of Linux's generic_permission (root passes, except exec of non-executables). */
export function allowed(st: FileStat, actor: Actor, mask: number): boolean {
  if (actor.fsuid === 0) return !(mask & X_OK) || (st.mode & 0o170000) === S_IFDIR || (st.mode & 0o111) !== 0;
  let bits = st.mode & 7;
  if (actor.fsuid === st.uid) bits = (st.mode >> 6) & 7;
  else if (actor.fsgid === st.gid || actor.groups.includes(st.gid)) bits = (st.mode >> 3) & 7;
  return (bits & mask) === mask;
}

export class Vfs {
  private readonly mounts = new Map<string, Mount>();
  /** Directories on the way to mount points (every proper prefix of a mount path but '/'). */
  private readonly ancestors = new Set<string>();
  /** Where such a directory is shown when its backend has none: an empty read-only directory. */
  private readonly placeholder: Mount;
  private nextMinor = 20;
  /** Where a process starts when no working directory is given (a byte string). */
  defaultCwd = '/';

  constructor(rootFs: FileSystem, rootReadOnly = false, created = 0n) {
    this.placeholder = new Mount('', new SynthFs('none', () => new Map(), created), true, this.nextMinor++);
    this.replaceRoot(rootFs, rootReadOnly);
  }

  /** Puts `fs` at '/'. */
  replaceRoot(fs: FileSystem, readOnly: boolean): void {
    this.mounts.set('/', new Mount('/', fs, readOnly, this.nextMinor++));
  }

  /** Places `fs` at guest path `path` (normalized, absolute). */
  mount(path: string, fs: FileSystem, readOnly: boolean): Mount {
    const m = new Mount(path, fs, readOnly, this.nextMinor++);
    this.mounts.set(path, m);
    for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) this.ancestors.add(path.slice(0, i));
    return m;
  }

  mountAt(path: string): Mount | undefined { return this.mounts.get(path); }
  mountList(): Mount[] { return [...this.mounts.values()]; }

  get root(): Loc {
    const m = this.mounts.get('/')!;
    return new Loc(m, m.fs.root, null, '/');
  }

  stat(loc: Loc, actor: Actor): FileStat {
    return statLoc(loc, loc.mount.fs.stat(loc.node, actor));
  }

  /** Fails with EACCES unless `actor` may access `loc` as `mask` (R_OK|W_OK|X_OK). */
  permit(loc: Loc, actor: Actor, mask: number): void {
    const fs = loc.mount.fs;
    // Host mounts: the host kernel checks at the operation itself.
    if (mask === 0 || fs.hostChecksAccess) return;
    if (!allowed(this.stat(loc, actor), actor, mask)) fail(EACCES);
  }

  /** One step down: a mount point's root, the backend's child, a placeholder on the way to a mount, or null. */
  child(dir: Loc, name: string, actor: Actor): Loc | null {
    const path = childPath(dir.path, name);
    const m = this.mounts.get(path);
    if (m !== undefined) return new Loc(m, m.fs.root, dir, path);
    const node = dir.mount.fs.lookup(dir.node, name, actor);
    if (node !== null) return new Loc(dir.mount, node, dir, path);
    if (this.ancestors.has(path)) return new Loc(this.placeholder, this.placeholder.fs.root, dir, path);
    return null;
  }

  /** Directory entries, with the mount points and the ways to them that its backend does not list. */
  list(dir: Loc, actor: Actor): DirEntry[] {
    const entries = dir.mount.fs.readdir(dir.node, actor);
    if (dir.parent !== null) {
      const dotdot = entries.find((e) => e.name === '..');
      if (dotdot !== undefined) dotdot.ino = dir.parent.node.ino;
    }
    const extra = (path: string, ino: number): void => {
      if (path.slice(0, path.lastIndexOf('/') || 1) !== dir.path) return;
      const name = path.slice(path.lastIndexOf('/') + 1);
      const e = entries.find((x) => x.name === name);
      if (e === undefined) entries.push({ name, ino, type: dtype(S_IFDIR) });
      else if (this.mounts.has(path)) e.ino = ino;
    };
    for (const m of this.mounts.values()) if (m.path !== '/') extra(m.path, m.fs.root.ino);
    for (const a of this.ancestors) extra(a, this.placeholder.fs.root.ino);
    return entries;
  }

  /**
   * Resolves `path` from `start` (relative paths) or `root` (absolute ones). A final symlink is
   * followed when `follow` is set or the path ends in '/'; others always are.
   */
  walk(actor: Actor, root: Loc, start: Loc, path: string, follow: boolean): Walk {
    if (path === '') fail(ENOENT);
    if (path.length >= PATH_MAX) fail(ENAMETOOLONG);
    let slash = path.endsWith('/');
    let cur = path.startsWith('/') ? root : start;
    const todo = split(path).reverse();
    let links = 0;
    let parent = cur.parent ?? cur;
    let name = cur === root && todo.length === 0 ? '' : '.';
    let loc: Loc | null = cur;

    while (todo.length > 0) {
      const comp = todo.pop()!;
      const last = todo.length === 0;
      if (comp.length > NAME_MAX) fail(ENAMETOOLONG);
      if (cur.node.type !== S_IFDIR) fail(ENOTDIR);
      this.permit(cur, actor, X_OK);
      if (comp === '.' || comp === '..') {
        if (comp === '..' && !cur.same(root) && cur.parent !== null) cur = cur.parent;
        parent = cur.parent ?? cur;
        name = comp;
        loc = cur;
        continue;
      }
      const next = this.child(cur, comp, actor);
      if (next === null) {
        if (!last) fail(ENOENT);
        return { parent: cur, name: comp, loc: null, magic: null, slash };
      }
      if (next.node.type === S_IFLNK && (!last || follow || slash)) {
        if (++links > MAX_SYMLINKS) fail(ELOOP);
        const magic = next.mount.fs.follow?.(next.node, actor) ?? null;
        if (magic !== null) {
          const target = magic instanceof VfsDescription ? magic.loc : null;
          if (target === null) {
            if (!last) fail(ENOTDIR);
            return { parent: cur, name: comp, loc: null, magic, slash };
          }
          cur = target;
          parent = target.parent ?? target;
          name = target.name;
          loc = target;
          continue;
        }
        const text = next.mount.fs.readlink(next.node, actor);
        if (text === '') fail(ENOENT);
        if (last && text.endsWith('/')) slash = true;
        const parts = split(text);
        for (let i = parts.length - 1; i >= 0; i--) todo.push(parts[i]);
        if (text.startsWith('/')) cur = root;
        // A link to "/" (or to ".") names the directory it leads to.
        parent = cur.parent ?? cur;
        name = parts.length === 0 ? '' : '.';
        loc = cur;
        continue;
      }
      parent = cur;
      name = comp;
      loc = next;
      if (!last) cur = next;
    }
    if (loc !== null && slash && loc.node.type !== S_IFDIR) fail(ENOTDIR);
    return { parent, name, loc, magic: null, slash };
  }
}
