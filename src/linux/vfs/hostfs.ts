// A host directory mounted into the guest, confined to it. The VFS resolves every path itself,
// one component at a time, so this backend only ever sees single names below nodes it handed
// out; `..`, and symlinks (whose targets are read here but followed by the VFS inside the guest
// namespace), never reach the host kernel as path text.
//
// A node is its path of components below the host root. Before any host call on a node, that
// path is re-checked: the root must still be the same directory (device and inode), every
// component below it a real directory (lstat: not a symlink), and the node itself the same
// inode it was. So a guest that renames a directory and puts a symlink in its place cannot make
// an old node (a cwd, an open directory) lead the host kernel out of the mount. Files are
// opened with O_NOFOLLOW and checked again with fstat. What remains is a race with another
// *host* process changing the tree between the check and the call (see docs/VFS.md).

import * as fs from 'node:fs';
import { EACCES, EINVAL, EISDIR, ENOENT, ENOTDIR, EROFS } from '../errno.js';
import { host } from './host-errors.js';
import {
  type DirEntry, type FileHandle, type FileStat, type FileSystem, type Node,
  O_ACCMODE, O_RDONLY, S_IFDIR, S_IFMT, S_IFREG, dtype, fail,
} from './types.js';

const C = fs.constants;
type HostStat = fs.BigIntStats;

export class HostNode implements Node {
  constructor(readonly fs: HostFs, readonly rel: readonly string[], readonly type: number,
    readonly hostDev: bigint, readonly hostIno: bigint) {}

  get ino(): number { return Number(this.hostIno); }
}

const lstat = (p: Buffer): HostStat | undefined => host(() => fs.lstatSync(p, { bigint: true, throwIfNoEntry: false }));
const join = (dir: Buffer, name: string): Buffer => Buffer.concat([dir, Buffer.from('/'), Buffer.from(name, 'latin1')]);
const same = (st: HostStat, n: HostNode): boolean => st.dev === n.hostDev && st.ino === n.hostIno;

/** A guest-supplied single component: anything else is refused before it can reach the host. */
function component(name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) fail(EINVAL);
  return name;
}

export function statOf(st: HostStat): Omit<FileStat, 'devMajor' | 'devMinor'> {
  const rdev = Number(st.rdev);
  return {
    ino: Number(st.ino), mode: Number(st.mode), nlink: Number(st.nlink), uid: Number(st.uid), gid: Number(st.gid),
    // Linux's dev_t: major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31.
    rdevMajor: ((rdev >>> 8) & 0xfff), rdevMinor: (rdev & 0xff) | ((rdev >>> 12) & 0xfff00),
    size: Number(st.size), blksize: Number(st.blksize), blocks: Number(st.blocks),
    atimeNs: st.atimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, btimeNs: st.birthtimeNs > 0n ? st.birthtimeNs : null,
  };
}

export class HostFs implements FileSystem {
  readonly name = 'hostfs';
  readonly hostChecksAccess = true;
  readonly root: HostNode;
  private readonly rootPath: Buffer;

  /** `hostRoot` must be an existing directory; it is resolved once (the command line is trusted). */
  constructor(hostRoot: string, readonly readOnly: boolean) {
    this.rootPath = Buffer.from(fs.realpathSync(hostRoot), 'utf8');
    const st = fs.lstatSync(this.rootPath, { bigint: true });
    if (!st.isDirectory()) throw new Error(`${hostRoot} is not a directory`);
    this.root = new HostNode(this, [], S_IFDIR, st.dev, st.ino);
  }

  /** The host path of `node`, after checking that it still leads where it did (see the header). */
  private verify(node: Node): { path: Buffer; st: HostStat } {
    const n = node as HostNode;
    if (n.fs !== this) fail(EINVAL);
    let path = this.rootPath;
    let st = lstat(path);
    if (st === undefined || !st.isDirectory() || st.dev !== this.root.hostDev || st.ino !== this.root.hostIno) fail(ENOENT);
    for (const name of n.rel) {
      if (!st.isDirectory()) fail(ENOENT);
      path = join(path, name);
      st = lstat(path);
      if (st === undefined) fail(ENOENT);
    }
    if (!same(st, n)) fail(ENOENT);
    return { path, st };
  }

  private dirPath(dir: Node): Buffer {
    const v = this.verify(dir);
    if (!v.st.isDirectory()) fail(ENOTDIR);
    return v.path;
  }

  private writable(): void {
    if (this.readOnly) fail(EROFS);
  }

  private child(dir: Node, name: string, st: HostStat): HostNode {
    return new HostNode(this, [...(dir as HostNode).rel, name], Number(st.mode) & S_IFMT, st.dev, st.ino);
  }

  stat(node: Node): Omit<FileStat, 'devMajor' | 'devMinor'> {
    return statOf(this.verify(node).st);
  }

  lookup(dir: Node, name: string): Node | null {
    const st = lstat(join(this.dirPath(dir), component(name)));
    return st === undefined ? null : this.child(dir, name, st);
  }

  readdir(dir: Node): DirEntry[] {
    const path = this.dirPath(dir);
    const n = dir as HostNode;
    const parent = n.rel.length === 0 ? undefined : lstat(Buffer.concat([path, Buffer.from('/..')]));
    const out: DirEntry[] = [
      { name: '.', ino: n.ino, type: dtype(S_IFDIR) },
      { name: '..', ino: parent !== undefined ? Number(parent.ino) : n.ino, type: dtype(S_IFDIR) },
    ];
    // opendir keeps the host's own order (readdirSync would sort), so `find` matches a native run.
    const d = host(() => fs.opendirSync(path, { encoding: 'buffer' as BufferEncoding }));
    try {
      for (;;) {
        const e = host(() => d.readSync());
        if (e === null) break;
        const name = (e.name as unknown as Buffer).toString('latin1');
        const st = lstat(join(path, name));
        if (st !== undefined) out.push({ name, ino: Number(st.ino), type: dtype(Number(st.mode)) });
      }
    } finally {
      d.closeSync();
    }
    return out;
  }

  readlink(node: Node): string {
    const v = this.verify(node);
    if (!v.st.isSymbolicLink()) fail(EINVAL);
    return host(() => fs.readlinkSync(v.path, { encoding: 'buffer' })).toString('latin1');
  }

  access(node: Node, mask: number): void {
    const v = this.verify(node);
    if (v.st.isSymbolicLink()) return;
    host(() => fs.accessSync(v.path, mask));
  }

  /** Opens a regular file by its verified path, refusing anything the check did not see. */
  private openFile(path: Buffer, node: HostNode | null, flags: number, mode = 0o666): HostHandle {
    // O_NONBLOCK: should a FIFO appear in the file's place, the open must not hang the host.
    const fd = host(() => fs.openSync(path, flags | C.O_NOFOLLOW | C.O_NONBLOCK, mode));
    try {
      const st = host(() => fs.fstatSync(fd, { bigint: true }));
      if (!st.isFile() || (node !== null && !same(st, node))) fail(ENOENT);
      return new HostHandle(fd);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  private hostAccess(flags: number): number {
    const acc = flags & O_ACCMODE;
    if (acc !== O_RDONLY) this.writable();
    return acc === 1 ? C.O_WRONLY : acc === 2 ? C.O_RDWR : C.O_RDONLY;
  }

  open(node: Node, flags: number): FileHandle {
    const v = this.verify(node);
    if (v.st.isDirectory()) fail(EISDIR);
    // Sockets, FIFOs and device nodes of the host stay closed to the guest.
    if (!v.st.isFile()) fail(EACCES);
    return this.openFile(v.path, node as HostNode, this.hostAccess(flags));
  }

  /** Creates a regular file; with `flags`, returns it opened by the same host call. */
  createOpen(dir: Node, name: string, mode: number, flags: number): { node: Node; handle: HostHandle } {
    this.writable();
    const path = join(this.dirPath(dir), component(name));
    const handle = this.openFile(path, null, this.hostAccess(flags) | C.O_CREAT | C.O_EXCL, mode);
    // The host's umask may have removed bits the guest's mode (already masked) kept.
    host(() => fs.fchmodSync(handle.fd, mode & 0o7777));
    const st = host(() => fs.fstatSync(handle.fd, { bigint: true }));
    return { node: this.child(dir, name, st), handle };
  }

  create(dir: Node, name: string, mode: number): Node {
    const { node, handle } = this.createOpen(dir, name, mode, O_RDONLY);
    handle.close();
    return node;
  }

  mkdir(dir: Node, name: string, mode: number): Node {
    this.writable();
    const path = join(this.dirPath(dir), component(name));
    host(() => fs.mkdirSync(path, { mode }));
    const st = lstat(path);
    if (st === undefined || !st.isDirectory()) fail(ENOENT);
    host(() => fs.chmodSync(path, mode & 0o7777));
    return this.child(dir, name, st);
  }

  symlink(dir: Node, name: string, target: string): Node {
    this.writable();
    const path = join(this.dirPath(dir), component(name));
    // The target is stored as text; only the VFS ever follows it, inside the guest's namespace.
    host(() => fs.symlinkSync(Buffer.from(target, 'latin1'), path));
    const st = lstat(path);
    if (st === undefined) fail(ENOENT);
    return this.child(dir, name, st);
  }

  link(dir: Node, name: string, target: Node): void {
    this.writable();
    const from = this.verify(target).path;
    const to = join(this.dirPath(dir), component(name));
    // link(2) does not follow a symlink at `from`, and `from` was just verified.
    host(() => fs.linkSync(from, to));
  }

  unlink(dir: Node, name: string): void {
    this.writable();
    const path = join(this.dirPath(dir), component(name));
    const st = lstat(path);
    if (st === undefined) fail(ENOENT);
    if (st.isDirectory()) fail(EISDIR);
    host(() => fs.unlinkSync(path));
  }

  rmdir(dir: Node, name: string): void {
    this.writable();
    const path = join(this.dirPath(dir), component(name));
    host(() => fs.rmdirSync(path));
  }

  rename(oldDir: Node, oldName: string, newDir: Node, newName: string): void {
    this.writable();
    const from = join(this.dirPath(oldDir), component(oldName));
    const to = join(this.dirPath(newDir), component(newName));
    host(() => fs.renameSync(from, to));
  }

  chmod(node: Node, mode: number): void {
    this.writable();
    const v = this.verify(node);
    if (v.st.isSymbolicLink()) fail(EINVAL);
    host(() => fs.chmodSync(v.path, mode & 0o7777));
  }

  chown(node: Node, uid: number, gid: number): void {
    this.writable();
    const v = this.verify(node);
    host(() => fs.lchownSync(v.path, uid, gid));
  }

  utimes(node: Node, atimeNs: bigint | null, mtimeNs: bigint | null): void {
    this.writable();
    const v = this.verify(node);
    const sec = (ns: bigint): number => Number(ns) / 1e9;
    host(() => fs.lutimesSync(v.path, sec(atimeNs ?? v.st.atimeNs), sec(mtimeNs ?? v.st.mtimeNs)));
  }

  truncate(node: Node, length: number): void {
    this.writable();
    const v = this.verify(node);
    if (v.st.isDirectory()) fail(EISDIR);
    if ((Number(v.st.mode) & S_IFMT) !== S_IFREG) fail(EINVAL);
    const h = this.openFile(v.path, node as HostNode, C.O_WRONLY);
    try { h.truncate(length); } finally { h.close(); }
  }
}

/** An open host file: positioned reads and writes on its host descriptor. */
export class HostHandle implements FileHandle {
  private open = true;
  constructor(readonly fd: number) {}

  pread(buf: Uint8Array, offset: number): number {
    return buf.length === 0 ? 0 : host(() => fs.readSync(this.fd, buf, 0, buf.length, offset));
  }

  pwrite(data: Uint8Array, offset: number): number {
    return data.length === 0 ? 0 : host(() => fs.writeSync(this.fd, data, 0, data.length, offset));
  }

  size(): number { return Number(host(() => fs.fstatSync(this.fd, { bigint: true })).size); }
  truncate(length: number): void { host(() => fs.ftruncateSync(this.fd, length)); }
  sync(): void { host(() => fs.fsyncSync(this.fd)); }
  stat(): Omit<FileStat, 'devMajor' | 'devMinor'> { return statOf(host(() => fs.fstatSync(this.fd, { bigint: true }))); }

  close(): void {
    if (!this.open) return;
    this.open = false;
    try { fs.closeSync(this.fd); } catch { /* already gone: nothing to release */ }
  }
}
