// Process creation and reaping: fork, vfork (a fork: the child gets a copy, so the parent need
// not wait), clone in its fork forms (thread clones are refused), execve and execveat (the new
// image from src/loader, #! scripts, close-on-exec, signal handlers reset), wait4, waitpid,
// waitid, and a minimal futex for single-threaded processes.

import { PAGE_SIZE } from '../../memory/arena.js';
import { ESP } from '../../cpu/state.js';
import { LoadError } from '../../loader/index.js';
import { E2BIG, ECHILD, EINVAL, ELOOP, ENOEXEC, ENOSYS, EAGAIN, ETIMEDOUT } from '../errno.js';
import { execDone, familyOf, forkProcess, reap, startProcess, waitStatus } from '../kernel.js';
import type { LinuxProcess } from '../process.js';
import { CLD_EXITED, CLD_KILLED, SIGCHLD } from '../signals/constants.js';
import { sigInfoBytes } from '../signals/frame.js';
import { execImage } from '../spawn.js';
import { fsOf } from '../vfs/attach.js';
import { readExecutable } from '../vfs/ops-open.js';
import { getTimespec, timespecNs } from './structs.js';
import { Blocked, defineSyscall, type SyscallResult } from './registry.js';
import { guard, readPath, startAt } from './vfs-util.js';
import { copiedArgv } from './call-copies.js';

function fork(p: LinuxProcess, newsp = 0): number {
  const child = forkProcess(p);
  child.machine.cpu.r[0] = 0; // EAX: fork returns 0 in the child
  if (newsp !== 0) child.machine.cpu.r[ESP] = newsp | 0;
  startProcess(child);
  return child.pid;
}

defineSyscall(2, 'fork', (p) => fork(p));
defineSyscall(190, 'vfork', (p) => fork(p));

const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000,
  CLONE_VFORK = 0x4000, CLONE_THREAD = 0x10000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000,
  CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000, CLONE_NAMESPACES = 0x7e020000;

// i386 clone(flags, newsp, parent_tidptr, tls, child_tidptr).
defineSyscall(120, 'clone', (p, a) => {
  const flags = a[0] >>> 0;
  const shared = flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_FILES | CLONE_FS | CLONE_PIDFD | CLONE_SETTLS | CLONE_NAMESPACES);
  if (shared !== 0 || ((flags & CLONE_VM) !== 0 && (flags & CLONE_VFORK) === 0)) {
    p.strace?.(`[pid ${p.pid}] --- clone flags 0x${flags.toString(16)}: threads and shared-state clones are not supported (only the fork forms) ---`);
    return -EINVAL;
  }
  // CLONE_VM|CLONE_VFORK (posix_spawn) runs as a fork: the child has a copy of the memory, on
  // the stack it was given; results come back through pipes in every C library.
  const child = forkProcess(p);
  const cpu = child.machine.cpu;
  cpu.r[0] = 0;
  if (a[1] !== 0) cpu.r[ESP] = a[1] | 0;
  if (flags & CLONE_CHILD_SETTID) { try { child.mem.write32(a[4], child.pid); } catch { /* ignored, as Linux */ } }
  if (flags & CLONE_CHILD_CLEARTID) child.clearChildTid = a[4];
  if (flags & CLONE_PARENT_SETTID) { try { p.mem.write32(a[2], child.pid); } catch { /* ignored */ } }
  startProcess(child);
  return child.pid;
});
defineSyscall(435, 'clone3', () => -ENOSYS);

/** MAX_ARG_STRLEN (32 pages) and the total Linux allows with an 8 MiB stack (a quarter of it). */
const MAX_ARG_STRLEN = 32 * PAGE_SIZE, MAX_ARGS_TOTAL = 2 << 20;

class TooBig extends Error {}

/** A NUL-terminated string from the guest, at most MAX_ARG_STRLEN bytes with its NUL. */
function readArg(p: LinuxProcess, address: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = address >>> 0, len = 0;
  for (;;) {
    const chunk = PAGE_SIZE - (at % PAGE_SIZE);
    const bytes = p.mem.readBytes(at, chunk);
    const nul = bytes.indexOf(0);
    const take = nul >= 0 ? bytes.subarray(0, nul) : bytes;
    len += take.length;
    if (len + 1 > MAX_ARG_STRLEN) throw new TooBig();
    parts.push(take);
    if (nul >= 0) return parts.length === 1 ? parts[0] : Uint8Array.from(Buffer.concat(parts));
    at += bytes.length;
  }
}

/** argv or envp: a NULL-terminated array of string pointers (a NULL array is empty). */
function readArgs(p: LinuxProcess, array: number, total: { n: number }): Uint8Array[] {
  // The copy the policy judged, when the call runs under one (call-copies.ts): no second read.
  const copied = copiedArgv(p, array);
  if (copied !== undefined) {
    for (const s of copied) if ((total.n += s.length + 1 + 4) > MAX_ARGS_TOTAL) throw new TooBig();
    return copied;
  }
  const out: Uint8Array[] = [];
  if (array === 0) return out;
  for (let i = 0; ; i++) {
    const ptr = p.mem.read32((array + 4 * i) >>> 0);
    if (ptr === 0) return out;
    const s = readArg(p, ptr);
    total.n += s.length + 1 + 4;
    if (total.n > MAX_ARGS_TOTAL) throw new TooBig();
    out.push(s);
  }
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

function execve(p: LinuxProcess, path: string, start: ReturnType<typeof startAt>, argvPtr: number, envpPtr: number): number {
  let argv: Uint8Array[], envp: Uint8Array[];
  try {
    const total = { n: 0 };
    argv = readArgs(p, argvPtr, total);
    envp = readArgs(p, envpPtr, total);
  } catch (e) {
    if (e instanceof TooBig) return -E2BIG;
    throw e;
  }
  const ctx = fsOf(p);
  let file = path === '/proc/self/exe' && p.exeImage !== null
    ? { data: p.exeImage, path: p.exePath }
    : readExecutable(ctx, start, path);
  let execfn = path;
  // #! scripts: the interpreter gets [interp, optional arg, script path, args after argv[0]].
  for (let depth = 0; file.data[0] === 0x23 && file.data[1] === 0x21; depth++) {
    if (depth >= 4) return -ELOOP;
    const head = file.data.subarray(2, Math.min(file.data.length, 256));
    let nl = head.indexOf(0x0a);
    if (nl < 0) nl = head.length;
    const line = latin1(head.subarray(0, nl)).replace(/^[ \t]+/, '').replace(/[ \t\r]+$/, '');
    if (line === '') return -ENOEXEC;
    const sp = line.search(/[ \t]/);
    const interp = sp < 0 ? line : line.slice(0, sp);
    const arg = sp < 0 ? '' : line.slice(sp).trim();
    const script = Buffer.from(path, 'latin1');
    argv = [Buffer.from(interp, 'latin1'), ...(arg !== '' ? [Buffer.from(arg, 'latin1')] : []), script, ...argv.slice(1)];
    path = interp;
    file = readExecutable(ctx, ctx.cwd, interp);
  }
  if (!ELF_MAGIC.every((b, i) => file.data[i] === b)) return -ENOEXEC;
  try {
    execImage(p, { program: file.data, name: path, guestPath: file.path, execfn, argv, envp });
  } catch (e) {
    if (!(e instanceof LoadError)) throw e;
    p.strace?.(`[pid ${p.pid}] --- execve: ${e.message} ---`);
    return -ENOEXEC;
  }
  execfn = '';
  p.fds.closeOnExec();
  p.sig.exec();
  p.clearChildTid = 0;
  p.robustList = { head: 0, length: 0 };
  p.sleepDeadline = null;
  execDone(p);
  return 0; // EAX of the new image starts at zero, like every register but ESP
}

defineSyscall(11, 'execve', (p, a) => guard(p, a, () => {
  const path = readPath(p, a[0]);
  return execve(p, path, startAt(p, -100, path), a[1], a[2]);
}));

// execveat(dirfd, path, argv, envp, flags): AT_EMPTY_PATH runs the file dirfd names.
defineSyscall(358, 'execveat', (p, a) => guard(p, a, () => {
  const AT_EMPTY_PATH = 0x1000;
  const path = readPath(p, a[1], (a[4] & AT_EMPTY_PATH) !== 0);
  if (path === '') return -ENOEXEC; // running an open descriptor needs /proc/self/fd; not offered
  return execve(p, path, startAt(p, a[0], path), a[2], a[3]);
}));

const WNOHANG = 1, WUNTRACED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x0100_0000,
  __WNOTHREAD = 0x2000_0000, __WALL = 0x4000_0000, __WCLONE = 0x8000_0000;

/** Children `pid` selects as wait4 reads it. */
function selected(p: LinuxProcess, pid: number): LinuxProcess[] {
  const kids = [...familyOf(p).children];
  if (pid < -1) return kids.filter((c) => c.pgid === -pid);
  if (pid === -1) return kids;
  if (pid === 0) return kids.filter((c) => c.pgid === p.pgid);
  return kids.filter((c) => c.pid === pid);
}

const parkForChild = (p: LinuxProcess): Blocked =>
  new Blocked(new Promise<void>((resolve) => familyOf(p).childWaiters.push(resolve)));

function wait4(p: LinuxProcess, pid: number, status: number, options: number, rusage: number): SyscallResult {
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  const kids = selected(p, pid);
  if (kids.length === 0) return -ECHILD;
  const zombie = kids.find((c) => familyOf(c).zombie);
  if (zombie === undefined) return options & WNOHANG ? 0 : parkForChild(p);
  if (status !== 0) p.mem.write32(status, waitStatus(zombie.exit!));
  if (rusage !== 0) p.mem.writeBytes(rusage, new Uint8Array(72));
  reap(zombie);
  return zombie.pid;
}

defineSyscall(114, 'wait4', (p, a) => wait4(p, a[0] | 0, a[1], a[2] | 0, a[3]));
defineSyscall(7, 'waitpid', (p, a) => wait4(p, a[0] | 0, a[1], a[2] | 0, 0));

const P_ALL = 0, P_PID = 1, P_PGID = 2;
defineSyscall(284, 'waitid', (p, a) => {
  const idtype = a[0], id = a[1] | 0, infop = a[2], options = a[3] | 0;
  if (options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | __WNOTHREAD | __WALL | __WCLONE)) return -EINVAL;
  if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) return -EINVAL;
  let pid: number;
  if (idtype === P_ALL) pid = -1;
  else if (idtype === P_PID) { if (id <= 0) return -EINVAL; pid = id; }
  else if (idtype === P_PGID) { if (id < 0) return -EINVAL; pid = id === 0 ? 0 : -id; }
  else return -EINVAL;
  const kids = selected(p, pid);
  if (kids.length === 0) return -ECHILD;
  const zombie = (options & WEXITED) ? kids.find((c) => familyOf(c).zombie) : undefined;
  if (zombie === undefined) {
    if (!(options & WNOHANG)) return parkForChild(p);
    if (infop !== 0) p.mem.writeBytes(infop, new Uint8Array(128));
    return 0;
  }
  const end = zombie.exit!;
  if (infop !== 0) {
    p.mem.writeBytes(infop, sigInfoBytes({
      signo: SIGCHLD, code: end.kind === 'exited' ? CLD_EXITED : CLD_KILLED, pid: zombie.pid, uid: zombie.creds.uid,
      status: end.kind === 'exited' ? end.code : end.signal,
    }));
  }
  if (a[4] !== 0) p.mem.writeBytes(a[4], new Uint8Array(72));
  if (!(options & WNOWAIT)) reap(zombie);
  return 0;
});

// futex for a single-threaded process: nobody else can change the word or wake a waiter, so a
// WAIT whose value matches sleeps until its timeout (ETIMEDOUT) or a signal (EINTR), and WAKE
// finds no waiters.
const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5,
  FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10, FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;

function futex(p: LinuxProcess, a: Uint32Array, wide: boolean): SyscallResult {
  const cmd = a[1] & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  switch (cmd) {
    case FUTEX_WAIT: case FUTEX_WAIT_BITSET: {
      const clock = cmd === FUTEX_WAIT_BITSET && (a[1] & FUTEX_CLOCK_REALTIME) ? 0 : 1;
      if (p.sleepDeadline !== null) {
        const now = p.clock.now(clock) ?? 0n;
        if (now >= p.sleepDeadline) { p.sleepDeadline = null; return -ETIMEDOUT; }
        const w = p.clock.sleep(p.sleepDeadline - now);
        return w === null ? (p.sleepDeadline = null, -ETIMEDOUT) : new Blocked(w);
      }
      if (cmd === FUTEX_WAIT_BITSET && a[5] === 0) return -EINVAL;
      if ((p.mem.read32(a[0]) >>> 0) !== (a[2] >>> 0)) return -EAGAIN;
      if (a[3] === 0) return new Blocked(new Promise<void>(() => undefined));
      const ns = timespecNs(getTimespec(p.mem, a[3], wide));
      if (ns === null) return -EINVAL;
      const now = p.clock.now(clock) ?? 0n;
      p.sleepDeadline = cmd === FUTEX_WAIT ? now + ns : ns;
      return futex(p, a, wide);
    }
    case FUTEX_WAKE: case FUTEX_WAKE_BITSET: case FUTEX_REQUEUE: case FUTEX_CMP_REQUEUE: case FUTEX_WAKE_OP:
      return 0;
    default:
      return -ENOSYS;
  }
}
defineSyscall(240, 'futex', (p, a) => futex(p, a, false));
defineSyscall(422, 'futex_time64', (p, a) => futex(p, a, true));

