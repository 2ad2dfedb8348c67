// Synthetic file systems (/dev and /proc): trees of nodes whose children, link targets and file
// contents are computed when asked, for the process asking. They cannot be changed through
// names (creating, removing or renaming anything is refused), only opened and read.

import { EACCES, EINVAL, ENOTDIR, EPERM } from '../errno.js';
import type { FileDescription } from '../fd.js';
import { MemDesc } from './description.js';
import {
  type Actor, type DirEntry, type FileHandle, type FileStat, type FileSystem, type Node, type SpecialOpen,
  S_IFDIR, S_IFLNK, S_IFREG, dtype, fail,
} from './types.js';

export interface SynthNode extends Node {
  readonly fs: SynthFs;
  readonly perm: number;
  /** Owner (default root). */
  owner?(actor: Actor): number;
  rdev?: [number, number];
  children?(actor: Actor): Map<string, SynthNode>;
  target?(actor: Actor): string;
  /** Magic links: the open description the link leads to. */
  magic?(actor: Actor): FileDescription | null;
  /** Devices: a description of their own. */
  openDevice?(flags: number, actor: Actor): FileDescription;
  /** Regular files: their content, made at open. */
  content?(actor: Actor): Uint8Array;
}

export class SynthFs implements FileSystem {
  readonly hostChecksAccess = false;
  readonly root: SynthNode;

  constructor(readonly name: string, rootChildren: (actor: Actor) => Map<string, SynthNode>, private readonly created: bigint) {
    this.root = this.node(1, S_IFDIR, 0o555, { children: rootChildren });
  }

  /** Makes a node of this file system. */
  node(ino: number, type: number, perm: number, extra: Partial<SynthNode> = {}): SynthNode {
    return { fs: this, ino, type, perm, ...extra };
  }

  stat(node: Node, actor: Actor): Omit<FileStat, 'devMajor' | 'devMinor'> {
    const n = node as SynthNode;
    const uid = n.owner?.(actor) ?? 0;
    const t = this.created;
    return {
      ino: n.ino, mode: n.type | n.perm, nlink: n.type === S_IFDIR ? 2 : 1, uid, gid: uid === 0 ? 0 : actor.fsgid,
      rdevMajor: n.rdev?.[0] ?? 0, rdevMinor: n.rdev?.[1] ?? 0,
      size: n.type === S_IFLNK ? (n.target?.(actor).length ?? 0) : 0, blksize: 1024, blocks: 0,
      atimeNs: t, mtimeNs: t, ctimeNs: t, btimeNs: null,
    };
  }

  private kids(dir: Node, actor: Actor): Map<string, SynthNode> {
    const n = dir as SynthNode;
    if (n.children === undefined) fail(ENOTDIR);
    return n.children(actor);
  }

  lookup(dir: Node, name: string, actor: Actor): Node | null {
    return this.kids(dir, actor).get(name) ?? null;
  }

  readdir(dir: Node, actor: Actor): DirEntry[] {
    const out: DirEntry[] = [
      { name: '.', ino: dir.ino, type: dtype(S_IFDIR) },
      { name: '..', ino: this.root.ino, type: dtype(S_IFDIR) },
    ];
    for (const [name, n] of this.kids(dir, actor)) out.push({ name, ino: n.ino, type: dtype(n.type) });
    return out;
  }

  readlink(node: Node, actor: Actor): string {
    const n = node as SynthNode;
    if (n.target === undefined) fail(EINVAL);
    return n.target(actor);
  }

  follow(node: Node, actor: Actor): FileDescription | null {
    return (node as SynthNode).magic?.(actor) ?? null;
  }

  open(node: Node, _flags: number, actor: Actor): FileHandle | SpecialOpen {
    const n = node as SynthNode;
    if (n.openDevice !== undefined) return { open: (f, a) => n.openDevice!(f, a) };
    if (n.type === S_IFREG && n.content !== undefined) {
      const content = n.content(actor);
      return { open: (f) => new MemDesc(f, content, '') };
    }
    return fail(EACCES);
  }

  create(): Node { return fail(EACCES); }
  symlink(): Node { return fail(EACCES); }
  link(): void { fail(EACCES); }
  mkdir(): Node { return fail(EACCES); }
  unlink(): void { fail(EACCES); }
  rmdir(): void { fail(EACCES); }
  rename(): void { fail(EACCES); }
  chmod(): void { fail(EPERM); }
  utimes(): void { fail(EPERM); }
  truncate(): void { fail(EACCES); }
}
