// Process control calls that need no other subsystem: exit and exit_group, the process/thread
// IDs, process groups and sessions, set_tid_address, set_robust_list, rseq (refused with
// ENOSYS, as the measured glibc start-up tolerates), prctl, personality, sched_yield and the
// CPU affinity pair (one CPU).

import { EFAULT, EINVAL, ENOSYS, EPERM, ESRCH } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import { defineSyscall } from './registry.js';

/** exit and exit_group: one thread per process, so both end the process. */
function exit(p: LinuxProcess, a: Uint32Array): number {
  // The clear_child_tid word is zeroed at exit (and a futex waiter woken; there is none yet).
  if (p.clearChildTid !== 0) {
    try { p.mem.write32(p.clearChildTid, 0); } catch { /* Linux ignores a bad address here */ }
  }
  p.terminate({ kind: 'exited', code: a[0] & 0xff });
  return 0;
}
defineSyscall(1, 'exit', exit);
defineSyscall(252, 'exit_group', exit);

defineSyscall(20, 'getpid', (p) => p.pid);
defineSyscall(64, 'getppid', (p) => p.ppid);
defineSyscall(224, 'gettid', (p) => p.tid);

defineSyscall(258, 'set_tid_address', (p, a) => {
  p.clearChildTid = a[0];
  return p.tid;
});

defineSyscall(311, 'set_robust_list', (p, a) => {
  // struct robust_list_head is 12 bytes on i386; Linux refuses any other size.
  if (a[1] !== 12) return -EINVAL;
  p.robustList = { head: a[0], length: a[1] };
  return 0;
});

defineSyscall(312, 'get_robust_list', (p, a) => {
  if (a[0] !== 0 && a[0] !== p.pid) return -ESRCH;
  p.mem.write32(a[2], p.robustList.length);
  p.mem.write32(a[1], p.robustList.head);
  return 0;
});

// Restartable sequences are an optimisation glibc skips when the kernel lacks them.
defineSyscall(386, 'rseq', () => -ENOSYS);

/** A pid argument naming this process (0 means the caller). */
const isSelf = (p: LinuxProcess, pid: number): boolean => pid === 0 || pid === p.pid;

defineSyscall(65, 'getpgrp', (p) => p.pgid);
defineSyscall(132, 'getpgid', (p, a) => (isSelf(p, a[0] | 0) ? p.pgid : -ESRCH));
defineSyscall(147, 'getsid', (p, a) => (isSelf(p, a[0] | 0) ? p.sid : -ESRCH));
defineSyscall(57, 'setpgid', (p, a) => {
  const pid = a[0] | 0, pgid = a[1] | 0;
  if (pgid < 0) return -EINVAL;
  if (!isSelf(p, pid)) return -ESRCH;
  // A session leader cannot change its group (EPERM); joining another group needs that group to
  // exist in the session, and with one process only its own pid qualifies.
  if (p.sid === p.pid) return -EPERM;
  const target = pgid === 0 ? p.pid : pgid;
  if (target !== p.pid) return -EPERM;
  p.pgid = target;
  return 0;
});
defineSyscall(66, 'setsid', (p) => {
  if (p.pgid === p.pid) return -EPERM; // already a process group leader
  p.sid = p.pgid = p.pid;
  return p.sid;
});

const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4,
  PR_GET_KEEPCAPS = 7, PR_SET_KEEPCAPS = 8, PR_SET_NAME = 15, PR_GET_NAME = 16, PR_GET_SECCOMP = 21,
  PR_CAPBSET_READ = 23, PR_GET_TIMERSLACK = 30, PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37,
  PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;

/** Per-process prctl settings that only need remembering. */
const prctlState = new WeakMap<LinuxProcess, { pdeathsig: number; dumpable: number; keepcaps: number; subreaper: number; nnp: number }>();

defineSyscall(172, 'prctl', (p, a) => {
  let st = prctlState.get(p);
  if (st === undefined) prctlState.set(p, (st = { pdeathsig: 0, dumpable: 1, keepcaps: 0, subreaper: 0, nnp: 0 }));
  switch (a[0]) {
    case PR_SET_NAME: {
      // TASK_COMM_LEN is 16: at most 15 bytes are read, up to a NUL if there is one.
      const bytes: number[] = [];
      for (let i = 0; i < 15; i++) {
        const c = p.mem.read8(a[1] + i);
        if (c === 0) break;
        bytes.push(c);
      }
      p.comm = new TextDecoder().decode(Uint8Array.from(bytes));
      return 0;
    }
    case PR_GET_NAME: {
      const out = new Uint8Array(16);
      out.set(new TextEncoder().encode(p.comm).subarray(0, 15));
      p.mem.writeBytes(a[1], out);
      return 0;
    }
    case PR_SET_PDEATHSIG:
      if (a[1] > 64) return -EINVAL;
      st.pdeathsig = a[1];
      return 0;
    case PR_GET_PDEATHSIG: p.mem.write32(a[1], st.pdeathsig); return 0;
    case PR_GET_DUMPABLE: return st.dumpable;
    case PR_SET_DUMPABLE:
      if (a[1] > 1) return -EINVAL;
      st.dumpable = a[1];
      return 0;
    case PR_GET_KEEPCAPS: return st.keepcaps;
    case PR_SET_KEEPCAPS:
      if (a[1] > 1) return -EINVAL;
      st.keepcaps = a[1];
      return 0;
    case PR_GET_SECCOMP: return 0;
    case PR_CAPBSET_READ: return a[1] <= 40 ? 1 : -EINVAL;
    case PR_GET_TIMERSLACK: return 50_000;
    case PR_SET_CHILD_SUBREAPER: st.subreaper = a[1] !== 0 ? 1 : 0; return 0;
    case PR_GET_CHILD_SUBREAPER: p.mem.write32(a[1], st.subreaper); return 0;
    case PR_SET_NO_NEW_PRIVS:
      if (a[1] !== 1 || a[2] !== 0 || a[3] !== 0 || a[4] !== 0) return -EINVAL;
      st.nnp = 1;
      return 0;
    case PR_GET_NO_NEW_PRIVS: return st.nnp;
    default:
      return -EINVAL;
  }
});

defineSyscall(136, 'personality', (_p, a) => {
  // Query (0xffffffff) or set PER_LINUX (0): the only personality there is.
  if (a[0] === 0xffff_ffff || a[0] === 0) return 0;
  return -EINVAL;
});

defineSyscall(158, 'sched_yield', () => 0);

defineSyscall(242, 'sched_getaffinity', (p, a) => {
  // One CPU: a mask with bit 0 set, as many bytes as an unsigned long (Linux returns that size).
  if (!isSelf(p, a[0] | 0)) return -ESRCH;
  if (a[1] < 4 || (a[1] & 3) !== 0) return -EINVAL;
  if (a[2] === 0) return -EFAULT;
  p.mem.writeBytes(a[2], Uint8Array.of(1, 0, 0, 0));
  return 4;
});

defineSyscall(241, 'sched_setaffinity', (p, a) => {
  // One CPU. In Linux's order: the mask is copied first (at most its size, 4 bytes here; a
  // shorter one is zero-extended: EFAULT), then the task is found (ESRCH), then a mask that
  // leaves it no online CPU, i.e. without bit 0, is EINVAL.
  const len = Math.min(a[1], 4);
  const mask = len > 0 ? p.mem.readBytes(a[2], len) : Uint8Array.of(0);
  if (!isSelf(p, a[0] | 0)) return -ESRCH;
  return (mask[0] & 1) !== 0 ? 0 : -EINVAL;
});
