// Time: time, gettimeofday, clock_gettime/clock_getres in their 32-bit and *_time64 forms,
// nanosleep and clock_nanosleep (the process is parked with Blocked until the deadline; in
// deterministic mode the clock jumps instead), and getrandom.

import { CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_REALTIME, CLOCK_THREAD_CPUTIME_ID } from '../clock.js';
import { EINVAL, EPERM } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import { Blocked, defineSyscall, type SyscallResult } from './registry.js';
import { getTimespec, putStruct, putTimespec, putTimeval, timespecNs } from './structs.js';

const NS = 1_000_000_000n;
const TIMER_ABSTIME = 1;

defineSyscall(13, 'time', (p, a) => {
  const sec = Number(BigInt.asIntN(32, (p.clock.now(CLOCK_REALTIME) ?? 0n) / NS));
  if (a[0] !== 0) p.mem.write32(a[0], sec);
  return sec;
});

defineSyscall(78, 'gettimeofday', (p, a) => {
  if (a[0] !== 0) putTimeval(p.mem, a[0], p.clock.now(CLOCK_REALTIME) ?? 0n);
  // struct timezone: UTC, no DST.
  if (a[1] !== 0) putStruct(p.mem, a[1], 8, () => {});
  return 0;
});
defineSyscall(79, 'settimeofday', () => -EPERM);

function clockGettime(p: LinuxProcess, a: Uint32Array, wide: boolean): number {
  const now = p.clock.now(a[0] | 0);
  if (now === null) return -EINVAL;
  putTimespec(p.mem, a[1], now, wide);
  return 0;
}
defineSyscall(265, 'clock_gettime', (p, a) => clockGettime(p, a, false));
defineSyscall(403, 'clock_gettime64', (p, a) => clockGettime(p, a, true));

function clockGetres(p: LinuxProcess, a: Uint32Array, wide: boolean): number {
  const res = p.clock.resolution(a[0] | 0);
  if (res === null) return -EINVAL;
  if (a[1] !== 0) putTimespec(p.mem, a[1], res, wide);
  return 0;
}
defineSyscall(266, 'clock_getres', (p, a) => clockGetres(p, a, false));
defineSyscall(406, 'clock_getres_time64', (p, a) => clockGetres(p, a, true));
defineSyscall(264, 'clock_settime', () => -EPERM);
defineSyscall(404, 'clock_settime64', () => -EPERM);

/**
 * Sleeps on clock `id` until `deadline` (absolute ns). The deadline is kept on the process
 * across the retries that follow each wake-up, so a long sleep is re-armed, not restarted.
 */
function sleepUntil(p: LinuxProcess, id: number, deadline: bigint): SyscallResult {
  for (;;) {
    const now = p.clock.now(id) ?? 0n;
    if (now >= deadline) {
      p.sleepDeadline = null;
      return 0;
    }
    const wait = p.clock.sleep(deadline - now);
    if (wait !== null) {
      p.sleepDeadline = deadline;
      return new Blocked(wait);
    }
    // Deterministic clock: it has jumped ahead; the loop sees the deadline reached.
  }
}

function nanosleep(p: LinuxProcess, id: number, flags: number, req: number, wide: boolean): SyscallResult {
  if (p.sleepDeadline !== null) return sleepUntil(p, id, p.sleepDeadline);
  const ns = timespecNs(getTimespec(p.mem, req, wide));
  if (ns === null) return -EINVAL;
  const deadline = flags & TIMER_ABSTIME ? ns : (p.clock.now(id) ?? 0n) + ns;
  return sleepUntil(p, id, deadline);
}

defineSyscall(162, 'nanosleep', (p, a) => nanosleep(p, CLOCK_MONOTONIC, 0, a[0], false));

function clockNanosleep(p: LinuxProcess, a: Uint32Array, wide: boolean): SyscallResult {
  const id = a[0] | 0;
  // The calling thread's CPU clock cannot be slept on; unknown clocks are refused as well.
  if (id === CLOCK_THREAD_CPUTIME_ID || p.clock.now(id) === null) return -EINVAL;
  if (id === CLOCK_PROCESS_CPUTIME_ID) return -EINVAL;
  return nanosleep(p, id, a[1], a[2], wide);
}
defineSyscall(267, 'clock_nanosleep', (p, a) => clockNanosleep(p, a, false));
defineSyscall(407, 'clock_nanosleep_time64', (p, a) => clockNanosleep(p, a, true));

const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
/** Linux hands out at most this much per call (INT_MAX >> 6). */
const GETRANDOM_MAX = 0x1ff_ffff;

defineSyscall(355, 'getrandom', (p, a) => {
  const flags = a[2];
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -EINVAL;
  if (flags & GRND_RANDOM && flags & GRND_INSECURE) return -EINVAL;
  const len = Math.min(a[1], GETRANDOM_MAX);
  const CHUNK = 1 << 16;
  for (let done = 0; done < len; done += CHUNK) {
    const buf = new Uint8Array(Math.min(CHUNK, len - done));
    p.random.fill(buf);
    p.mem.writeBytes(a[0] + done, buf);
  }
  return len;
});
