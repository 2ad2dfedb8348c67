// Helpers for VFS tests: a process with a mapped scratch area and a file-system view, guest
// strings, and direct calls of the file system call handlers (as `int 0x80` would make them).

import { Machine } from '../../src/engine/machine';
import { layoutFor } from '../../src/loader/layout';
import { Perm } from '../../src/memory/arena';
import { LinuxProcess } from '../../src/linux/process';
import { seededRandom } from '../../src/linux/random';
import { Blocked, SYSCALLS } from '../../src/linux/syscalls/registry';
// Both registrations together: a number defined twice would throw here.
import '../../src/linux/syscalls/index';
import '../../src/linux/syscalls/vfs-index';
import { attachFs, buildVfs, type Vfs } from '../../src/linux/vfs/index';

export const MEM = 1 << 24;
/** Scratch area: 64 KiB read/write. */
export const DATA = 0x0010_0000;
export const DATA_SIZE = 0x10000;
/** A page that is mapped read-only. */
export const RO_PAGE = 0x0020_0000;
/** An address with nothing mapped. */
export const UNMAPPED = 0x0030_0000;

export function makeProc(vfs: Vfs = buildVfs({ cwd: null }), cwd?: string, pid = 1): LinuxProcess {
  const machine = new Machine({ memorySize: MEM });
  const p = new LinuxProcess(machine, layoutFor(MEM), { pid, random: seededRandom(7), clock: { deterministic: true } });
  machine.memory.map(DATA, DATA_SIZE, Perm.Read | Perm.Write);
  machine.memory.map(RO_PAGE, 0x1000, Perm.Read);
  p.exePath = '/bin/prog';
  attachFs(p, vfs, cwd);
  return p;
}

/** Calls handler `nr`; a Blocked result is returned as is. */
export function callRaw(p: LinuxProcess, nr: number, ...args: number[]): number | Blocked {
  const def = SYSCALLS.get(nr);
  if (def === undefined) throw new Error(`syscall ${nr} not defined`);
  return def.handler(p, Uint32Array.from(args.map((x) => x >>> 0)));
}

/** Calls handler `nr` and returns EAX as a signed number (fails the test if it blocks). */
export function call(p: LinuxProcess, nr: number, ...args: number[]): number {
  const r = callRaw(p, nr, ...args);
  if (r instanceof Blocked) throw new Error(`syscall ${nr} blocked`);
  return r | 0;
}

/** Calls until the handler stops blocking, as the run loop does. */
export async function callAsync(p: LinuxProcess, nr: number, ...args: number[]): Promise<number> {
  for (;;) {
    const r = callRaw(p, nr, ...args);
    if (!(r instanceof Blocked)) return r | 0;
    await r.wake;
  }
}

let strAt = DATA + 0xc000;
/** Writes a NUL-terminated string into the top of the scratch area; returns its address. */
export function cstr(p: LinuxProcess, s: string | Buffer): number {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  if (strAt + b.length + 1 > DATA + DATA_SIZE) strAt = DATA + 0xc000;
  const at = strAt;
  p.mem.writeBytes(at, new Uint8Array([...b, 0]));
  strAt += b.length + 1;
  return at;
}

export const bytes = (p: LinuxProcess, addr: number, n: number): Buffer => Buffer.from(p.mem.readBytes(addr, n));

/** Syscall numbers used by the tests (i386). */
export const NR = {
  read: 3, write: 4, open: 5, close: 6, link: 9, unlink: 10, chdir: 12, chmod: 15, lseek: 19, access: 33, rename: 38,
  mkdir: 39, rmdir: 40, dup: 41, pipe: 42, ioctl: 54, umask: 60, dup2: 63, symlink: 83, readlink: 85, ftruncate: 93,
  fchdir: 133, _llseek: 140, getdents: 141, readv: 145, writev: 146, poll: 168, pread64: 180, pwrite64: 181,
  getcwd: 183, stat64: 195, lstat64: 196, fstat64: 197, getdents64: 220, fcntl64: 221, sendfile64: 239,
  openat: 295, fstatat64: 300, unlinkat: 301, linkat: 303, utimensat: 320, dup3: 330, pipe2: 331, statx: 383,
  _newselect: 142, stat: 106,
} as const;

export const O = { RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0x40, EXCL: 0x80, TRUNC: 0x200, APPEND: 0x400,
  NONBLOCK: 0x800, DIRECTORY: 0x10000, NOFOLLOW: 0x20000, CLOEXEC: 0x80000, PATH: 0x200000 } as const;
export const AT_FDCWD = -100;
