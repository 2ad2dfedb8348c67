// Time and randomness: the deterministic clock (derived from retired instructions plus sleeps,
// so reproducible and still advancing), both timespec layouts, clock_getres, sleeping (a
// deterministic jump, or a real wait through Blocked and a retry), and getrandom from a seed.

import { LinuxProcess } from '../src/linux/process';
import { seededRandom } from '../src/linux/random';
import { Blocked, SYSCALLS } from '../src/linux/syscalls/index';
import { makeProcess, scratch, sys, sysAsync } from './support/linux';

const TIME = 13, GETTIMEOFDAY = 78, CLOCK_GETTIME = 265, CLOCK_GETRES = 266, NANOSLEEP = 162,
  CLOCK_NANOSLEEP = 267, CLOCK_GETTIME64 = 403, CLOCK_GETRES64 = 406, GETRANDOM = 355;
const EFAULT = -14, EINVAL = -22;
const EPOCH_2024 = 1_704_067_200;

const ts32 = (p: LinuxProcess, a: number) => [p.mem.read32(a), p.mem.read32(a + 4)];
function ts64(p: LinuxProcess, a: number): [bigint, bigint] {
  const v = new DataView(p.mem.readBytes(a, 16).buffer);
  return [v.getBigInt64(0, true), v.getBigInt64(8, true)];
}

test('deterministic wall clock: 2024-01-01 plus one ns per retired instruction', () => {
  const p = makeProcess();
  const u = scratch(p);
  p.stats.instructions = 1_500_000_123;
  expect(sys(p, TIME, u)).toBe(EPOCH_2024 + 1);
  expect(p.mem.read32(u)).toBe(EPOCH_2024 + 1);
  expect(sys(p, TIME, 0x10)).toBe(EFAULT);
  expect(sys(p, GETTIMEOFDAY, u, u + 8)).toBe(0);
  expect(ts32(p, u)).toEqual([EPOCH_2024 + 1, 500_000]);
  expect(sys(p, CLOCK_GETTIME, 0, u)).toBe(0);
  expect(ts32(p, u)).toEqual([EPOCH_2024 + 1, 500_000_123]);
  expect(sys(p, CLOCK_GETTIME64, 0, u)).toBe(0);
  expect(ts64(p, u)).toEqual([BigInt(EPOCH_2024 + 1), 500_000_123n]);
  // The monotonic clock counts from a boot 100 s before the start; CPU time is the instructions.
  sys(p, CLOCK_GETTIME64, 1, u);
  expect(ts64(p, u)).toEqual([101n, 500_000_123n]);
  sys(p, CLOCK_GETTIME, 2, u);
  expect(ts32(p, u)).toEqual([1, 500_000_123]);
});

test('unknown clocks are EINVAL, bad pointers EFAULT; getres is 1 ns, 4 ms for coarse clocks', () => {
  const p = makeProcess();
  const u = scratch(p);
  expect(sys(p, CLOCK_GETTIME, 10, u)).toBe(EINVAL);
  expect(sys(p, CLOCK_GETTIME, -2, u)).toBe(EINVAL);
  expect(sys(p, CLOCK_GETTIME64, 0, 0x10)).toBe(EFAULT);
  expect(sys(p, CLOCK_GETRES, 1, u)).toBe(0);
  expect(ts32(p, u)).toEqual([0, 1]);
  expect(sys(p, CLOCK_GETRES64, 6, u)).toBe(0);
  expect(ts64(p, u)).toEqual([0n, 4_000_000n]);
  expect(sys(p, CLOCK_GETRES, 1, 0)).toBe(0); // res may be NULL
});

test('deterministic sleep advances the clocks by exactly the request and returns at once', () => {
  const p = makeProcess();
  const u = scratch(p);
  sys(p, CLOCK_GETTIME64, 1, u);
  const before = ts64(p, u);
  p.mem.writeBytes(u + 32, Uint8Array.of(2, 0, 0, 0, 0x40, 0x42, 0x0f, 0)); // 2 s + 1,000,000 ns
  expect(sys(p, NANOSLEEP, u + 32, 0)).toBe(0);
  sys(p, CLOCK_GETTIME64, 1, u);
  const after = ts64(p, u);
  expect((after[0] - before[0]) * 1_000_000_000n + (after[1] - before[1])).toBe(2_001_000_000n);
});

test('sleep argument errors', () => {
  const p = makeProcess();
  const u = scratch(p);
  p.mem.writeBytes(u, Uint8Array.of(0, 0, 0, 0, 0x00, 0xca, 0x9a, 0x3b)); // nsec = 1e9
  expect(sys(p, NANOSLEEP, u, 0)).toBe(EINVAL);
  p.mem.writeBytes(u, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0)); // sec = -1
  expect(sys(p, NANOSLEEP, u, 0)).toBe(EINVAL);
  expect(sys(p, NANOSLEEP, 0x10, 0)).toBe(EFAULT);
  expect(sys(p, CLOCK_NANOSLEEP, 3, 0, u, 0)).toBe(EINVAL); // the thread CPU clock
});

test('absolute clock_nanosleep to a time already past returns at once', () => {
  const p = makeProcess();
  const u = scratch(p);
  p.mem.writeBytes(u, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)); // CLOCK_MONOTONIC 1 s: long ago
  expect(sys(p, CLOCK_NANOSLEEP, 1, 1, u, 0)).toBe(0);
});

test('a real sleep parks the call with Blocked and completes on retry', async () => {
  const p = makeProcess(undefined, { clock: { deterministic: false } });
  const u = scratch(p);
  p.mem.writeBytes(u, Uint8Array.of(0, 0, 0, 0, 0x40, 0x42, 0x0f, 0)); // 1 ms
  const direct = SYSCALLS.get(NANOSLEEP)!.handler(p, Uint32Array.of(u, 0, 0, 0, 0, 0));
  expect(direct).toBeInstanceOf(Blocked);
  expect(p.sleepDeadline).not.toBeNull();
  await (direct as Blocked).wake;
  p.sleepDeadline = null;
  // Through the dispatcher the whole wait-and-retry happens and EAX gets 0.
  expect(await sysAsync(p, NANOSLEEP, u, 0)).toBe(0);
  expect(p.sleepDeadline).toBeNull();
});

test('getrandom: seeded sources repeat, different seeds differ; flags and pointers are checked', () => {
  const a = makeProcess(), b = makeProcess();
  const ua = scratch(a), ub = scratch(b);
  expect(sys(a, GETRANDOM, ua, 64, 0)).toBe(64);
  expect(sys(b, GETRANDOM, ub, 64, 1)).toBe(64);
  // Both processes took 16 AT_RANDOM bytes first from the same seed, so the streams agree.
  expect(a.mem.readBytes(ua, 64)).toEqual(b.mem.readBytes(ub, 64));
  expect(a.mem.readBytes(ua, 64).some((x) => x !== 0)).toBe(true);
  const c = makeProcess(undefined, { random: seededRandom(2) });
  const uc = scratch(c);
  sys(c, GETRANDOM, uc, 64, 0);
  expect(c.mem.readBytes(uc, 64)).not.toEqual(a.mem.readBytes(ua, 64));
  expect(sys(a, GETRANDOM, ua, 16, 8)).toBe(EINVAL);
  expect(sys(a, GETRANDOM, ua, 16, 6)).toBe(EINVAL);
  expect(sys(a, GETRANDOM, 0x10, 16, 0)).toBe(EFAULT);
  expect(sys(a, GETRANDOM, ua, 0, 0)).toBe(0);
});
