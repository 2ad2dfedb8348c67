// Process identity and system information calls: IDs in the 16- and 32-bit forms, what an
// unprivileged process may and may not change, uname, prctl names, resource limits in their
// three i386 forms, sysinfo and getrusage. Bad pointers give EFAULT.

import { makeProcess, scratch, sys } from './support/linux';

const EPERM = -1, ESRCH = -3, EFAULT = -14, EINVAL = -22, ENOSYS = -38;

describe('IDs', () => {
  test('pid, tid, ppid and the process group/session of a command started from a shell', () => {
    const p = makeProcess(undefined, { pid: 42, ppid: 7 });
    expect([sys(p, 20), sys(p, 224), sys(p, 64)]).toEqual([42, 42, 7]);
    expect([sys(p, 65), sys(p, 132, 0), sys(p, 147, 0)]).toEqual([42, 42, 7]);
    expect(sys(p, 132, 99)).toBe(ESRCH);
    expect(sys(p, 66)).toBe(EPERM); // already a group leader: setsid refused
  });

  test('uid/gid: 32-bit forms exact, 16-bit forms show 65534 for IDs above 65535', () => {
    const p = makeProcess(undefined, { identity: { uid: 70000, gid: 1000 } });
    expect([sys(p, 199), sys(p, 201), sys(p, 200), sys(p, 202)]).toEqual([70000, 70000, 1000, 1000]);
    expect([sys(p, 24), sys(p, 49), sys(p, 47), sys(p, 50)]).toEqual([65534, 65534, 1000, 1000]);
  });

  test('an unprivileged process may only pick among its own IDs', () => {
    const p = makeProcess();
    expect(sys(p, 213, 0)).toBe(EPERM); // setuid32(0)
    expect(sys(p, 213, 1000)).toBe(0);
    expect(sys(p, 214, 0)).toBe(EPERM); // setgid32(0)
    expect(sys(p, 208, -1, 1000, -1)).toBe(0); // setresuid32
    expect(sys(p, 208, 0, -1, -1)).toBe(EPERM);
    expect(sys(p, 203, -1, 5)).toBe(EPERM); // setreuid32
    expect(sys(p, 23, 0xffff)).toBe(EINVAL); // setuid16(-1)
    expect(sys(p, 206, 0, 0)).toBe(EPERM); // setgroups32
    expect(sys(p, 215, 0)).toBe(1000); // setfsuid32 returns the old fsuid, refuses 0
    expect(p.creds.fsuid).toBe(1000);
    const u = scratch(p);
    expect(sys(p, 209, u, u + 4, u + 8)).toBe(0); // getresuid32
    expect([p.mem.read32(u), p.mem.read32(u + 4), p.mem.read32(u + 8)]).toEqual([1000, 1000, 1000]);
    expect(sys(p, 209, u, 0x10, u + 8)).toBe(EFAULT);
    expect(sys(p, 205, 0, 0)).toBe(1); // getgroups32 count
    expect(sys(p, 205, 1, u)).toBe(1);
    expect(p.mem.read32(u)).toBe(1000);
  });
});

test('uname reports an i686 Linux', () => {
  const p = makeProcess();
  const u = scratch(p);
  expect(sys(p, 122, u)).toBe(0);
  const field = (i: number) => new TextDecoder().decode(p.mem.readCString(u + i * 65));
  expect([0, 1, 2, 4].map(field)).toEqual(['Linux', 'vxts', '6.1.0', 'i686']);
  expect(sys(p, 122, 0)).toBe(EFAULT);
});

test('prctl: PR_SET_NAME cuts at 15 bytes, PR_GET_NAME reads it back; unknown options are EINVAL', () => {
  const p = makeProcess();
  const u = scratch(p);
  p.mem.writeBytes(u, new TextEncoder().encode('a-rather-long-process-name\0'));
  expect(sys(p, 172, 15, u)).toBe(0);
  expect(sys(p, 172, 16, u + 100)).toBe(0);
  expect(new TextDecoder().decode(p.mem.readBytes(u + 100, 16))).toBe('a-rather-long-p\0');
  expect(p.comm).toBe('a-rather-long-p');
  expect(sys(p, 172, 16, 0x10)).toBe(EFAULT);
  expect(sys(p, 172, 3)).toBe(1); // PR_GET_DUMPABLE
  expect(sys(p, 172, 9999)).toBe(EINVAL);
});

test('rseq is ENOSYS (glibc carries on without it); set_robust_list checks the size', () => {
  const p = makeProcess();
  expect(sys(p, 386, 0x1000, 32, 0, 0)).toBe(ENOSYS);
  expect(sys(p, 311, 0x1000, 12)).toBe(0);
  expect(sys(p, 311, 0x1000, 24)).toBe(EINVAL);
  expect(sys(p, 258, 0x1234)).toBe(p.tid);
  expect(p.clearChildTid).toBe(0x1234);
});

describe('resource limits', () => {
  const STACK = 3, NOFILE = 7;
  test('ugetrlimit, old getrlimit (clamped) and prlimit64 (64-bit) read the same limits', () => {
    const p = makeProcess();
    const u = scratch(p);
    expect(sys(p, 191, STACK, u)).toBe(0);
    expect([p.mem.read32(u) >>> 0, p.mem.read32(u + 4) >>> 0]).toEqual([8 << 20, 0xffff_ffff]);
    expect(sys(p, 76, STACK, u)).toBe(0);
    expect([p.mem.read32(u) >>> 0, p.mem.read32(u + 4) >>> 0]).toEqual([8 << 20, 0x7fff_ffff]);
    expect(sys(p, 340, 0, STACK, 0, u)).toBe(0);
    const v = new DataView(p.mem.readBytes(u, 16).buffer);
    expect([v.getBigUint64(0, true), v.getBigUint64(8, true)]).toEqual([8n << 20n, 0xffff_ffff_ffff_ffffn]);
    expect(sys(p, 191, 99, u)).toBe(EINVAL);
    expect(sys(p, 191, STACK, 0x10)).toBe(EFAULT);
  });

  test('lowering works; raising the hard limit is EPERM; soft above hard is EINVAL', () => {
    const p = makeProcess();
    const u = scratch(p);
    const put = (soft: bigint, hard: bigint) => {
      const b = new Uint8Array(16);
      new DataView(b.buffer).setBigUint64(0, soft, true);
      new DataView(b.buffer).setBigUint64(8, hard, true);
      p.mem.writeBytes(u, b);
    };
    put(256n, 4096n);
    expect(sys(p, 340, 0, NOFILE, u, u + 16)).toBe(0);
    expect(new DataView(p.mem.readBytes(u + 16, 16).buffer).getBigUint64(0, true)).toBe(1024n); // the old value
    expect(p.rlimits[NOFILE]).toEqual([256n, 4096n]);
    put(256n, 8192n);
    expect(sys(p, 340, 0, NOFILE, u, 0)).toBe(EPERM);
    put(5000n, 4096n);
    expect(sys(p, 340, 0, NOFILE, u, 0)).toBe(EINVAL);
    expect(sys(p, 340, 12345, NOFILE, 0, u)).toBe(ESRCH);
    p.mem.writeBytes(u, Uint8Array.of(100, 0, 0, 0, 200, 0, 0, 0));
    expect(sys(p, 75, NOFILE, u)).toBe(0); // setrlimit with 32-bit values
    expect(p.rlimits[NOFILE]).toEqual([100n, 200n]);
  });
});

test('sysinfo describes the arena as the machine', () => {
  const p = makeProcess(undefined, { memorySize: 256 << 20 });
  const u = scratch(p);
  expect(sys(p, 116, u)).toBe(0);
  const v = new DataView(p.mem.readBytes(u, 64).buffer);
  expect(v.getUint32(16, true)).toBe(256 << 20);
  expect(v.getUint32(20, true)).toBeLessThan(256 << 20);
  expect(v.getUint16(40, true)).toBe(1);
  expect(v.getUint32(52, true)).toBe(1);
  expect(sys(p, 116, 0)).toBe(EFAULT);
});

test('getrusage and times use the deterministic clock; bad "who" is EINVAL', () => {
  const p = makeProcess();
  p.stats.instructions = 2_500_000_000; // 2.5 s of guest CPU at one instruction per ns
  const u = scratch(p);
  expect(sys(p, 77, 0, u)).toBe(0);
  expect([p.mem.read32(u), p.mem.read32(u + 4)]).toEqual([2, 500_000]);
  expect(p.mem.read32(u + 16)).toBeGreaterThan(0); // ru_maxrss in KiB
  expect(sys(p, 77, 5, u)).toBe(EINVAL);
  sys(p, 43, u);
  expect(p.mem.read32(u)).toBe(250);
});
