// --strace: one line per system call in strace's format, `[pid 1] write(1, "hi\n", 3) = 3`.
// Each call's arguments are decoded by a small signature (kinds below); data is read from guest
// memory after the call, so output buffers show what the call wrote. Reads are unchecked by
// design (a bad pointer prints as the pointer), and never fault the guest.

import { errnoMessage, errnoName } from './errno-names.js';
import type { LinuxProcess } from './process.js';
import { signalName } from './signals-info.js';
import { CLOCK_NAMES, flags, hex, MAP_NAMES, octal, openFlags, pointer, PROT_NAMES, quote, STRING_LIMIT } from './strace-format.js';

// Argument kinds: d signed, u unsigned, x hex, p pointer, o octal mode, fd descriptor (AT_FDCWD),
// s path string, S string written by the call, b<N> input buffer of args[N] bytes, B output
// buffer of (return value) bytes, v<N> / V<N> iovec array of args[N] entries (in / out),
// prot, map, oflags, clk, sig.
const SIGNATURES: Record<string, string> = {
  read: 'fd B u', write: 'fd b2 u', open: 's oflags o', close: 'fd', creat: 's o', openat: 'fd s oflags o',
  readv: 'fd V2 d', writev: 'fd v2 d', pread64: 'fd B u d', pwrite64: 'fd b2 u d', lseek: 'fd d d',
  _llseek: 'fd u u p d', ioctl: 'fd x p', fcntl64: 'fd d x', fcntl: 'fd d x', dup: 'fd', dup2: 'fd fd', dup3: 'fd fd x',
  pipe: 'p', pipe2: 'p x', stat64: 's p', lstat64: 's p', fstat64: 'fd p', fstatat64: 'fd s p x', statx: 'fd s x x p',
  access: 's o', faccessat: 'fd s o', faccessat2: 'fd s o x', readlink: 's B u', readlinkat: 'fd s B u', getcwd: 'S u',
  chdir: 's', fchdir: 'fd', mkdir: 's o', mkdirat: 'fd s o', rmdir: 's', unlink: 's', unlinkat: 'fd s x',
  rename: 's s', renameat: 'fd s fd s', renameat2: 'fd s fd s x', link: 's s', linkat: 'fd s fd s x',
  symlink: 's s', symlinkat: 's fd s', chmod: 's o', fchmod: 'fd o', fchmodat: 'fd s o', umask: 'o',
  getdents64: 'fd p u', ftruncate64: 'fd d', truncate64: 's d', fsync: 'fd', fdatasync: 'fd',
  sendfile64: 'fd fd p u', sendfile: 'fd fd p u', utimensat: 'fd s p x', poll: 'p u d', _newselect: 'd p p p p',
  exit: 'd', exit_group: 'd', brk: 'p', mmap2: 'p u prot map fd x', mmap: 'p', munmap: 'p u',
  mprotect: 'p u prot', mremap: 'p u u x p', madvise: 'p u d', set_thread_area: 'p', get_thread_area: 'p',
  set_tid_address: 'p', set_robust_list: 'p u', rseq: 'p u x x', prctl: 'd x x x x', uname: 'p', sysinfo: 'p',
  ugetrlimit: 'd p', getrlimit: 'd p', setrlimit: 'd p', prlimit64: 'd d p p', getrusage: 'd p', times: 'p',
  time: 'p', gettimeofday: 'p p', clock_gettime: 'clk p', clock_gettime64: 'clk p', clock_getres: 'clk p',
  clock_getres_time64: 'clk p', nanosleep: 'p p', clock_nanosleep: 'clk d p p', clock_nanosleep_time64: 'clk d p p',
  getrandom: 'B u x', execve: 's p p', wait4: 'd p d p', waitpid: 'd p d', kill: 'd sig', tgkill: 'd d sig',
  tkill: 'd sig', rt_sigaction: 'sig p p u', rt_sigprocmask: 'd p p u', sigaction: 'sig p p', sigprocmask: 'd p p',
  clone: 'x p p p p', futex: 'p d d p p d', setpgid: 'd d', getpgid: 'd', getsid: 'd', personality: 'x',
  sched_getaffinity: 'd u p', alarm: 'u', setuid32: 'd', setgid32: 'd', setuid: 'd', setgid: 'd',
};

const RETURNS_ADDRESS = new Set(['brk', 'mmap2', 'mmap', 'mremap']);

/** Reads guest memory for display without faulting: null when it is not readable. */
function peek(p: LinuxProcess, address: number, length: number): Uint8Array | null {
  if (length < 0) return null;
  return p.mem.check(address, length, 1) ? p.mem.u8.slice(address >>> 0, (address >>> 0) + length) : null;
}

function dataArg(p: LinuxProcess, address: number, length: number): string {
  if (address === 0) return 'NULL';
  const shown = Math.min(length, STRING_LIMIT);
  const bytes = peek(p, address, shown);
  return bytes === null ? pointer(address) : quote(bytes, length > shown);
}

function stringArg(p: LinuxProcess, address: number, limit = 4096): string {
  if (address === 0) return 'NULL';
  for (let i = 0; i < limit; i++) {
    const b = peek(p, address + i, 1);
    if (b === null) return pointer(address);
    if (b[0] === 0) return quote(peek(p, address, i) ?? new Uint8Array(0));
  }
  return quote(peek(p, address, limit) ?? new Uint8Array(0), true);
}

function iovecArg(p: LinuxProcess, address: number, count: number, total: number | null): string {
  const raw = peek(p, address, Math.min(count, 8) * 8);
  if (raw === null) return pointer(address);
  const v = new DataView(raw.buffer);
  const items: string[] = [];
  let left = total ?? Infinity;
  for (let i = 0; i < Math.min(count, 8); i++) {
    const base = v.getUint32(i * 8, true), len = v.getUint32(i * 8 + 4, true);
    const show = total === null ? len : Math.max(0, Math.min(len, left));
    left -= show;
    items.push(`{iov_base=${dataArg(p, base, show)}, iov_len=${len}}`);
  }
  return `[${items.join(', ')}${count > 8 ? ', ...' : ''}]`;
}

function formatArg(p: LinuxProcess, kind: string, a: Uint32Array, i: number, ret: number): string {
  const v = a[i];
  const ok = ret >= 0 || ret < -4095;
  switch (kind) {
    case 'd': return String(v | 0);
    case 'u': return String(v >>> 0);
    case 'x': return hex(v);
    case 'o': return octal(v);
    case 'fd': return (v | 0) === -100 ? 'AT_FDCWD' : String(v | 0);
    case 's': return stringArg(p, v);
    case 'S': return ok ? stringArg(p, v) : pointer(v);
    case 'B': return ok ? dataArg(p, v, ret) : pointer(v);
    case 'prot': return flags(v, PROT_NAMES, 'PROT_NONE');
    case 'map': return flags(v, MAP_NAMES);
    case 'oflags': return openFlags(v);
    case 'clk': return CLOCK_NAMES[v] ?? String(v | 0);
    case 'sig': return (v | 0) > 0 && v < 65 ? signalName(v) : String(v | 0);
    default: break;
  }
  const n = Number(kind.slice(1));
  if (kind[0] === 'b') return dataArg(p, v, a[n]);
  if (kind[0] === 'v') return iovecArg(p, v, a[n], null);
  if (kind[0] === 'V') return ok ? iovecArg(p, v, a[n], ret) : pointer(v);
  return pointer(v);
}

/** The result column: `= 3`, `= 0x8050000`, `= -1 ENOENT (No such file or directory)`, `= ?`. */
export function formatResult(name: string, ret: number | null): string {
  if (ret === null) return '?';
  if (ret < 0 && ret >= -4095) return `-1 ${errnoName(-ret)} (${errnoMessage(-ret)})`;
  return RETURNS_ADDRESS.has(name) ? hex(ret) : String(ret);
}

/** One strace line (without the newline). `ret` null means the call does not return. */
export function straceLine(p: LinuxProcess, name: string, args: Uint32Array, ret: number | null): string {
  const sig = SIGNATURES[name];
  const r = ret ?? 0;
  const shown = sig !== undefined
    ? (sig === '' ? [] : sig.split(' ')).map((k, i) => formatArg(p, k, args, i, r))
    : Array.from(args, (v) => hex(v));
  return `[pid ${p.pid}] ${name}(${shown.join(', ')}) = ${formatResult(name, ret)}`;
}

/** Calls with no arguments: their signature is empty. */
for (const n of ['getpid', 'getppid', 'gettid', 'getuid', 'getgid', 'geteuid', 'getegid', 'getuid32', 'getgid32',
  'geteuid32', 'getegid32', 'getpgrp', 'setsid', 'sched_yield', 'fork', 'vfork', 'pause', 'sync']) SIGNATURES[n] = '';
