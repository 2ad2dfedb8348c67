// tmpfs: a file system held in host memory (files, directories, symlinks, hard links, modes,
// owners and times), used for /tmp and for the synthetic root that holds the mount points.
// Its size is bounded (bytes and inodes) so a guest cannot exhaust the host's memory: going past
// the bound is ENOSPC, as a full tmpfs reports. Permission checks are done by the VFS layer
// from the modes stored here; this module only stores and enforces structure.

import { EEXIST, EINVAL, EISDIR, ENOENT, ENOSPC, ENOTDIR, ENOTEMPTY, EFBIG } from '../errno.js';
import {
  type Actor, type DirEntry, type FileHandle, type FileStat, type FileSystem, type Node,
  S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, S_ISGID, dtype, fail,
} from './types.js';

/** Linux's tmpfs reports this many bytes of directory size per entry (BOGO_DIRENT_SIZE). */
const DIRENT_BYTES = 20;
/** Symlink targets shorter than this live in the inode (no blocks), as in shmem. */
const SHORT_SYMLINK = 128;
/** The largest file offset (MAX_LFS_FILESIZE of a 32-bit kernel: 16 TiB). */
export const MAX_FILE_SIZE = 2 ** 44;
const DAY_NS = 86_400_000_000_000n;

export interface TmpfsOptions {
  /** Bytes of file data the file system may hold (default 256 MiB). */
  maxBytes?: number;
  /** Inodes it may hold (default 100,000). */
  maxInodes?: number;
  /** Owner and mode of the root directory (default root, 0o755). */
  rootUid?: number;
  rootGid?: number;
  rootMode?: number;
}

export class TmpNode implements Node {
  nlink = 0;
  /** Open handles: the data of an unlinked file lives until the last one closes. */
  opens = 0;
  data = new Uint8Array(0);
  size = 0;
  entries: Map<string, TmpNode> | null = null;
  parent: TmpNode | null = null;
  target = '';
  atime: bigint;
  mtime: bigint;
  ctime: bigint;
  readonly btime: bigint;

  constructor(readonly fs: TmpFs, readonly ino: number, readonly type: number, public mode: number,
    public uid: number, public gid: number, now: bigint) {
    this.atime = this.mtime = this.ctime = this.btime = now;
  }
}

const asTmp = (n: Node): TmpNode => n as TmpNode;

export class TmpFs implements FileSystem {
  readonly name = 'tmpfs';
  readonly hostChecksAccess = false;
  readonly root: TmpNode;
  private nextIno = 1;
  private inodes = 0;
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly maxInodes: number;

  constructor(o: TmpfsOptions = {}, now = 0n) {
    this.maxBytes = o.maxBytes ?? 256 * 1024 * 1024;
    this.maxInodes = o.maxInodes ?? 100_000;
    this.root = this.newNode(S_IFDIR, o.rootMode ?? 0o755, o.rootUid ?? 0, o.rootGid ?? 0, now);
    this.root.entries = new Map();
    this.root.parent = this.root;
    this.root.nlink = 2;
  }

  private newNode(type: number, mode: number, uid: number, gid: number, now: bigint): TmpNode {
    if (this.inodes >= this.maxInodes) fail(ENOSPC);
    this.inodes++;
    return new TmpNode(this, this.nextIno++, type, mode & 0o7777, uid, gid, now);
  }

  stat(node: Node): Omit<FileStat, 'devMajor' | 'devMinor'> {
    const n = asTmp(node);
    let size = n.size, blocks = Math.ceil(n.size / 4096) * 8;
    if (n.type === S_IFDIR) { size = DIRENT_BYTES * (2 + (n.entries?.size ?? 0)); blocks = 0; }
    if (n.type === S_IFLNK) { size = n.target.length; blocks = size < SHORT_SYMLINK ? 0 : 8; }
    return {
      ino: n.ino, mode: n.type | n.mode, nlink: n.nlink, uid: n.uid, gid: n.gid, rdevMajor: 0, rdevMinor: 0,
      size, blksize: 4096, blocks, atimeNs: n.atime, mtimeNs: n.mtime, ctimeNs: n.ctime, btimeNs: n.btime,
    };
  }

  private dir(node: Node): TmpNode {
    const n = asTmp(node);
    if (n.entries === null) fail(ENOTDIR);
    return n;
  }

  lookup(dir: Node, name: string): Node | null {
    return this.dir(dir).entries!.get(name) ?? null;
  }

  readdir(dir: Node, actor: Actor): DirEntry[] {
    const d = this.dir(dir);
    touchAtime(d, actor.now());
    const out: DirEntry[] = [
      { name: '.', ino: d.ino, type: dtype(S_IFDIR) },
      { name: '..', ino: d.parent!.ino, type: dtype(S_IFDIR) },
    ];
    for (const [name, n] of d.entries!) out.push({ name, ino: n.ino, type: dtype(n.type) });
    return out;
  }

  readlink(node: Node): string {
    const n = asTmp(node);
    if (n.type !== S_IFLNK) fail(EINVAL);
    return n.target;
  }

  open(node: Node): FileHandle {
    const n = asTmp(node);
    if (n.type === S_IFDIR) fail(EISDIR);
    n.opens++;
    return new TmpHandle(this, n);
  }

  private attach(d: TmpNode, name: string, n: TmpNode, now: bigint): void {
    d.entries!.set(name, n);
    n.nlink++;
    if (n.type === S_IFDIR) { n.parent = d; n.nlink++; d.nlink++; }
    d.mtime = d.ctime = now;
  }

  private make(dir: Node, name: string, type: number, mode: number, actor: Actor): TmpNode {
    const d = this.dir(dir);
    if (d.entries!.has(name)) fail(EEXIST);
    if (d.nlink === 0) fail(ENOENT); // a removed directory takes no new entries
    const gid = d.mode & S_ISGID ? d.gid : actor.fsgid;
    // A directory made in a set-group-ID directory inherits the bit (as ext4 and tmpfs do).
    const keep = type === S_IFDIR && d.mode & S_ISGID ? S_ISGID : 0;
    const n = this.newNode(type, mode | keep, actor.fsuid, gid, actor.now());
    if (type === S_IFDIR) n.entries = new Map();
    this.attach(d, name, n, actor.now());
    return n;
  }

  create(dir: Node, name: string, mode: number, actor: Actor): Node { return this.make(dir, name, S_IFREG, mode, actor); }
  mkdir(dir: Node, name: string, mode: number, actor: Actor): Node { return this.make(dir, name, S_IFDIR, mode, actor); }

  symlink(dir: Node, name: string, target: string, actor: Actor): Node {
    const n = this.make(dir, name, S_IFLNK, 0o777, actor);
    n.target = target;
    return n;
  }

  link(dir: Node, name: string, target: Node, actor: Actor): void {
    const d = this.dir(dir);
    const t = asTmp(target);
    if (d.entries!.has(name)) fail(EEXIST);
    if (t.nlink === 0) fail(ENOENT);
    this.attach(d, name, t, actor.now());
    t.ctime = actor.now();
  }

  /** Drops one name of `n` (already removed from its directory). */
  private detach(d: TmpNode, n: TmpNode, now: bigint): void {
    n.nlink--;
    if (n.type === S_IFDIR) { n.nlink = 0; d.nlink--; }
    n.ctime = now;
    d.mtime = d.ctime = now;
    this.release(n);
  }

  /** Frees an inode with no names and no open handles. */
  release(n: TmpNode): void {
    if (n.nlink > 0 || n.opens > 0) return;
    this.bytes -= n.data.length;
    n.data = new Uint8Array(0);
    n.size = 0;
    this.inodes--;
  }

  unlink(dir: Node, name: string, actor: Actor): void {
    const d = this.dir(dir);
    const n = d.entries!.get(name);
    if (n === undefined) fail(ENOENT);
    if (n.type === S_IFDIR) fail(EISDIR);
    d.entries!.delete(name);
    this.detach(d, n, actor.now());
  }

  rmdir(dir: Node, name: string, actor: Actor): void {
    const d = this.dir(dir);
    const n = d.entries!.get(name);
    if (n === undefined) fail(ENOENT);
    if (n.type !== S_IFDIR) fail(ENOTDIR);
    if (n.entries!.size > 0) fail(ENOTEMPTY);
    d.entries!.delete(name);
    this.detach(d, n, actor.now());
  }

  rename(oldDir: Node, oldName: string, newDir: Node, newName: string, actor: Actor): void {
    const od = this.dir(oldDir), nd = this.dir(newDir);
    const src = od.entries!.get(oldName);
    if (src === undefined) fail(ENOENT);
    const dst = nd.entries!.get(newName);
    if (dst === src) return;
    if (src.type === S_IFDIR) {
      // A directory cannot move below itself.
      for (let a: TmpNode = nd; ; a = a.parent!) {
        if (a === src) fail(EINVAL);
        if (a === a.parent) break;
      }
      if (dst !== undefined && dst.type !== S_IFDIR) fail(ENOTDIR);
      if (dst !== undefined && dst.entries!.size > 0) fail(ENOTEMPTY);
    } else if (dst !== undefined && dst.type === S_IFDIR) {
      fail(EISDIR);
    }
    const now = actor.now();
    if (dst !== undefined) { nd.entries!.delete(newName); this.detach(nd, dst, now); }
    od.entries!.delete(oldName);
    src.nlink--;
    if (src.type === S_IFDIR) { od.nlink--; src.nlink--; }
    od.mtime = od.ctime = now;
    this.attach(nd, newName, src, now);
    src.ctime = now;
  }

  chmod(node: Node, mode: number, actor: Actor): void {
    const n = asTmp(node);
    n.mode = mode & 0o7777;
    n.ctime = actor.now();
  }

  chown(node: Node, uid: number, gid: number, actor: Actor): void {
    const n = asTmp(node);
    if (uid !== -1) n.uid = uid;
    if (gid !== -1) n.gid = gid;
    n.ctime = actor.now();
  }

  utimes(node: Node, atimeNs: bigint | null, mtimeNs: bigint | null, actor: Actor): void {
    const n = asTmp(node);
    if (atimeNs !== null) n.atime = atimeNs;
    if (mtimeNs !== null) n.mtime = mtimeNs;
    n.ctime = actor.now();
  }

  truncate(node: Node, length: number, actor: Actor): void {
    const n = asTmp(node);
    if ((n.type & S_IFMT) === S_IFDIR) fail(EISDIR);
    if (n.type !== S_IFREG) fail(EINVAL);
    this.resize(n, length);
    n.mtime = n.ctime = actor.now();
  }

  /** Sets the size, zeroing what is cut off, within the byte budget. */
  resize(n: TmpNode, length: number): void {
    if (length > MAX_FILE_SIZE) fail(EFBIG);
    if (length > n.data.length) this.grow(n, length);
    if (length < n.size) n.data.fill(0, length, n.size);
    n.size = length;
  }

  /** Makes room for `needed` bytes: doubling while the budget allows, exactly what is needed otherwise. */
  grow(n: TmpNode, needed: number): void {
    const cap = n.data.length;
    if (needed <= cap) return;
    if (this.bytes + (needed - cap) > this.maxBytes) fail(ENOSPC);
    let next = Math.max(needed, Math.min(cap * 2, cap + (64 << 20)));
    if (this.bytes + (next - cap) > this.maxBytes) next = needed;
    const data = new Uint8Array(next);
    data.set(n.data.subarray(0, n.size));
    this.bytes += next - cap;
    n.data = data;
  }
}

/** relatime: the access time moves only when it is older than the last change or a day old. */
export function touchAtime(n: TmpNode, now: bigint): void {
  if (n.atime <= n.mtime || n.atime <= n.ctime || now - n.atime >= DAY_NS) n.atime = now;
}

/** An open tmpfs file: reads and writes go straight to the node's bytes. */
class TmpHandle implements FileHandle {
  private closed = false;
  constructor(private readonly fs: TmpFs, private readonly node: TmpNode) {}

  pread(buf: Uint8Array, offset: number): number {
    const n = this.node;
    if (offset >= n.size) return 0;
    const len = Math.min(buf.length, n.size - offset);
    buf.set(n.data.subarray(offset, offset + len));
    return len;
  }

  pwrite(data: Uint8Array, offset: number): number {
    const n = this.node;
    const end = offset + data.length;
    if (end > MAX_FILE_SIZE) fail(EFBIG);
    if (end > n.data.length) this.fs.grow(n, end);
    n.data.set(data, offset);
    if (end > n.size) n.size = end;
    return data.length;
  }

  size(): number { return this.node.size; }
  truncate(length: number): void { this.fs.resize(this.node, length); }
  sync(): void {}
  stat(): Omit<FileStat, 'devMajor' | 'devMinor'> { return this.fs.stat(this.node); }

  /** Times are stamped by the VFS's description (it knows the acting process's clock). */
  stamp(kind: 'read' | 'write', now: bigint): void {
    if (kind === 'write') this.node.mtime = this.node.ctime = now;
    else touchAtime(this.node, now);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.node.opens--;
    this.fs.release(this.node);
  }
}
