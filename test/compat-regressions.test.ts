// Regressions for what the compatibility suites (npm run test:compat, docs/COMPAT.md) found and
// was fixed, made small enough for npm test: Linux's selftests/x86 iopl and ioperm pin
// themselves to CPU 0 with sched_setaffinity (it was ENOSYS, so both stopped at once), then
// expect an unprivileged process's iopl(3) and ioperm(…, 1) to be refused.

import { makeProcess, scratch, sys } from './support/linux';

const EPERM = -1, ESRCH = -3, EFAULT = -14, EINVAL = -22;
const SCHED_SETAFFINITY = 241, SCHED_GETAFFINITY = 242, IOPERM = 101, IOPL = 110;

describe('sched_setaffinity (one CPU)', () => {
  test('a mask holding CPU 0 is accepted, whatever its length; getaffinity still reports CPU 0', () => {
    const p = makeProcess();
    const u = scratch(p);
    p.mem.writeBytes(u, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0));
    expect(sys(p, SCHED_SETAFFINITY, 0, 128, u)).toBe(0); // glibc's cpu_set_t is 128 bytes
    expect(sys(p, SCHED_SETAFFINITY, p.pid, 1, u)).toBe(0);
    p.mem.writeBytes(u, Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    expect(sys(p, SCHED_SETAFFINITY, 0, 4, u)).toBe(0); // other CPUs are simply not online
    expect(sys(p, SCHED_GETAFFINITY, 0, 4, u + 16)).toBe(4);
    expect(p.mem.read32(u + 16)).toBe(1);
  });

  test('a mask without CPU 0 or of length 0 is EINVAL; another pid is ESRCH; a bad pointer EFAULT', () => {
    const p = makeProcess();
    const u = scratch(p);
    p.mem.writeBytes(u, Uint8Array.of(2, 0, 0, 0));
    expect(sys(p, SCHED_SETAFFINITY, 0, 4, u)).toBe(EINVAL);
    expect(sys(p, SCHED_SETAFFINITY, 0, 0, u)).toBe(EINVAL);
    expect(sys(p, SCHED_SETAFFINITY, p.pid + 1, 4, u)).toBe(ESRCH);
    expect(sys(p, SCHED_SETAFFINITY, 0, 4, 0x10)).toBe(EFAULT);
  });
});

describe('I/O privilege: an unprivileged process', () => {
  test('iopl: level 0 is fine, raising it is EPERM, above 3 EINVAL', () => {
    const p = makeProcess();
    expect(sys(p, IOPL, 0)).toBe(0);
    expect(sys(p, IOPL, 3)).toBe(EPERM);
    expect(sys(p, IOPL, 4)).toBe(EINVAL);
  });

  test('ioperm: turning ports on is EPERM, off is fine, a bad range EINVAL', () => {
    const p = makeProcess();
    expect(sys(p, IOPERM, 0x80, 1, 1)).toBe(EPERM);
    expect(sys(p, IOPERM, 0x80, 1, 0)).toBe(0);
    expect(sys(p, IOPERM, 0x80, 0, 1)).toBe(EINVAL);
    expect(sys(p, IOPERM, 0xffff, 2, 1)).toBe(EINVAL);
  });
});
