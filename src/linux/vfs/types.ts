// The shared vocabulary of the virtual file system: file-type and permission bits, open and *at
// flags (i386 uses the asm-generic values), the inode-level interfaces each backend implements
// (tmpfs, confined host directories, /dev, /proc), stat results, and VfsError, which backends
// throw and the syscall layer turns into -errno.
//
// Names inside the VFS are "byte strings": each char code is one byte (latin1), so any byte
// sequence a guest uses as a file name survives the trip to the host and back unchanged.

import type { FileDescription } from '../fd.js';

export const S_IFMT = 0o170000, S_IFSOCK = 0o140000, S_IFLNK = 0o120000, S_IFREG = 0o100000, S_IFBLK = 0o060000,
  S_IFDIR = 0o040000, S_IFCHR = 0o020000, S_IFIFO = 0o010000;
export const S_ISUID = 0o4000, S_ISGID = 0o2000, S_ISVTX = 0o1000;

export const O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100,
  O_TRUNC = 0x200, O_APPEND = 0x400, O_NONBLOCK = 0x800, O_DSYNC = 0x1000, O_ASYNC = 0x2000, O_DIRECT = 0x4000,
  O_LARGEFILE = 0x8000, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_NOATIME = 0x40000, O_CLOEXEC = 0x80000,
  O_PATH = 0x200000, O_TMPFILE_BIT = 0x400000;

export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EACCESS = 0x200,
  AT_SYMLINK_FOLLOW = 0x400, AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000;

/** access(2) bits. */
export const R_OK = 4, W_OK = 2, X_OK = 1, F_OK = 0;

/** d_type values of getdents. */
export const DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;

/** Linux limits: PATH_MAX counts the NUL; NAME_MAX is one component; 40 symlinks per lookup. */
export const PATH_MAX = 4096, NAME_MAX = 255, MAX_SYMLINKS = 40;

export const dtype = (mode: number): number => ((mode & S_IFMT) >>> 12);

/** A failure inside the VFS; the syscall layer returns -errno. */
export class VfsError extends Error {
  constructor(readonly errno: number) {
    super(`vfs errno ${errno}`);
    this.name = 'VfsError';
  }
}

export function fail(errno: number): never {
  throw new VfsError(errno);
}

/** What stat reports (before the syscall layer lays it out in guest memory). */
export interface FileStat {
  devMajor: number;
  devMinor: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdevMajor: number;
  rdevMinor: number;
  size: number;
  blksize: number;
  /** 512-byte blocks. */
  blocks: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  btimeNs: bigint | null;
}

/** A directory entry as getdents reports it. */
export interface DirEntry {
  name: string;
  ino: number;
  type: number;
}

/** Who acts, and when: the credentials file operations use and the clock they stamp times with. */
export interface Actor {
  readonly fsuid: number;
  readonly fsgid: number;
  readonly groups: readonly number[];
  /** CLOCK_REALTIME in ns. */
  now(): bigint;
  /** The calling process, for /proc/self and devices that need it. */
  readonly proc: ProcessView;
}

/** What /proc/self and the devices need from the calling process (see process-view.ts). */
export interface ProcessView {
  readonly pid: number;
  readonly ppid: number;
  /** Guest path of the running program (/proc/self/exe), as a byte string. */
  exePath(): string;
  cmdline(): Uint8Array;
  environ(): Uint8Array;
  comm(): string;
  /** The text of /proc/self/maps. */
  maps(): string;
  /** /proc/self/stat. */
  statLine(): string;
  fdNumbers(): number[];
  fd(n: number): FileDescription | undefined;
  randomFill(buf: Uint8Array): void;
  /** Foreground process group for TIOCGPGRP. */
  readonly pgid: number;
}

/** An inode of some backend. Identity (for mount points and `..`) is the pair (fs, key). */
export interface Node {
  readonly fs: FileSystem;
  /** Unique within the backend; also st_ino. */
  readonly ino: number;
  /** S_IFMT bits of the node's type. */
  readonly type: number;
}

/** An open regular file's storage, as a backend provides it. */
export interface FileHandle {
  pread(buf: Uint8Array, offset: number): number;
  pwrite(data: Uint8Array, offset: number): number;
  size(): number;
  truncate(length: number): void;
  sync(): void;
  stat(): Omit<FileStat, 'devMajor' | 'devMinor'>;
  /** Updates access or modification times after I/O (in-memory files; the host stamps its own). */
  stamp?(kind: 'read' | 'write', now: bigint): void;
  close(): void;
}

/** A special node that opens to its own description (devices, proc files, magic links). */
export interface SpecialOpen {
  open(flags: number, actor: Actor): FileDescription;
}

/** A backend. Methods throw VfsError; names are single components (never '', '.', '..', or with '/'). */
export interface FileSystem {
  readonly name: string;
  readonly root: Node;
  /** True when the host kernel checks permissions (host mounts); else the VFS checks mode bits. */
  readonly hostChecksAccess: boolean;
  stat(node: Node, actor: Actor): Omit<FileStat, 'devMajor' | 'devMinor'>;
  lookup(dir: Node, name: string, actor: Actor): Node | null;
  readdir(dir: Node, actor: Actor): DirEntry[];
  readlink(node: Node, actor: Actor): string;
  /** Host permission check (only when hostChecksAccess). */
  access?(node: Node, mask: number): void;
  open(node: Node, flags: number, actor: Actor): FileHandle | SpecialOpen;
  create(dir: Node, name: string, mode: number, actor: Actor): Node;
  /** Creates a regular file and opens it in one step (so a read-only mode cannot stop the creator). */
  createOpen?(dir: Node, name: string, mode: number, flags: number, actor: Actor): { node: Node; handle: FileHandle };
  mkdir(dir: Node, name: string, mode: number, actor: Actor): Node;
  symlink(dir: Node, name: string, target: string, actor: Actor): Node;
  link(dir: Node, name: string, target: Node, actor: Actor): void;
  unlink(dir: Node, name: string, actor: Actor): void;
  rmdir(dir: Node, name: string, actor: Actor): void;
  rename(oldDir: Node, oldName: string, newDir: Node, newName: string, actor: Actor): void;
  chmod(node: Node, mode: number, actor: Actor): void;
  chown?(node: Node, uid: number, gid: number, actor: Actor): void;
  utimes(node: Node, atimeNs: bigint | null, mtimeNs: bigint | null, actor: Actor): void;
  truncate(node: Node, length: number, actor: Actor): void;
  /**
   * A magic link (/proc/self/fd/N): the open description following it leads to (its file or
   * directory, or the description itself to reopen), instead of a text target.
   */
  follow?(node: Node, actor: Actor): FileDescription | null;
}

/** Checks a single path component from a guest. */
export function checkName(name: string): void {
  if (name.length > NAME_MAX) fail(36 /* ENAMETOOLONG */);
}

/** Byte-string helpers: latin1 maps each byte to one char and back. */
export const bytesToName = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
export const nameToBytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
/** A host (UTF-8) string, such as a path from the command line, as the VFS's byte string. */
export const fromHostString = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
