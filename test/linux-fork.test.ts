// Processes with real guest programs (test/programs): fork + pipe + wait with exit statuses and
// deaths by signal, WNOHANG, waitid, SIGCHLD, SIGPIPE in a child, kill of a child; execve of
// /proc/self/exe and of another program, close-on-exec, handlers reset at exec, E2BIG; clone's
// thread forms refused; futex for a single thread. Outputs must match qemu-i386 (live when
// installed, else the committed bin/*.expected); exec's expected output is written by hand.

import { familyOf } from '../src/linux/kernel';
import { expected, haveQemu, programPath, runQemu, runVxts } from './programs/harness';
import { makeProcess, sys, sysAsync, scratch } from './support/linux';

test('fork-wait: stdout and exit status match qemu-i386', async () => {
  const got = await runVxts(programPath('fork-wait'));
  expect({ stdout: got.stdout, status: got.status }).toEqual(expected('fork-wait'));
  const live = runQemu(programPath('fork-wait'));
  if (live !== null) expect({ stdout: got.stdout, status: got.status }).toEqual(live);
  else if (!haveQemu()) console.log('qemu-i386 not found: compared with the committed expected output only');
});

test('exec: /proc/self/exe, another program, close-on-exec, handlers reset, E2BIG, ENOENT', async () => {
  const got = await runVxts(programPath('exec'), ['test/programs/bin/sig-altstack']);
  expect({ stdout: got.stdout, status: got.status }).toEqual(expected('exec'));
});

test('fork-wait also runs with deterministic clocks', async () => {
  const got = await runVxts(programPath('fork-wait'), [], { deterministic: true });
  expect({ stdout: got.stdout, status: got.status }).toEqual(expected('fork-wait'));
});

test('thread clones are refused with EINVAL; clone3 is ENOSYS', () => {
  const p = makeProcess();
  const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_THREAD = 0x10000;
  expect(sys(p, 120, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD, 0x1000)).toBe(-22);
  expect(sys(p, 120, CLONE_VM | 17, 0x1000)).toBe(-22);
  expect(sys(p, 435, 0, 0)).toBe(-38);
});

test('wait4 without children is ECHILD; WNOHANG and bad options', () => {
  const p = makeProcess();
  expect(sys(p, 114, -1, 0, 0, 0)).toBe(-10);
  expect(sys(p, 114, -1, 0, 0x10, 0)).toBe(-22);
  expect(sys(p, 7, -1, 0, 1)).toBe(-10);
});

test('a forked child is a new process with its own pid, ppid and a copy of memory', async () => {
  const p = makeProcess();
  const buf = scratch(p);
  p.mem.write32(buf, 1234);
  const pid = sys(p, 2);
  expect(pid).toBe(2);
  const child = familyOf(p).table.procs.get(pid)!;
  expect(child.ppid).toBe(p.pid);
  expect(child.mem.read32(buf)).toBe(1234);
  child.mem.write32(buf, 5);
  expect(p.mem.read32(buf)).toBe(1234);
  expect(child.machine.cpu.r[0]).toBe(0);
  expect(child.mm.mappings.length).toBe(p.mm.mappings.length);
  // Without a scheduler (no runProcess) fork leaves the child unstarted.
  child.terminate({ kind: 'exited', code: 0 });
});

test('futex: WAIT on a different value is EAGAIN, with a timeout ETIMEDOUT; WAKE wakes nobody', async () => {
  const p = makeProcess();
  const a = scratch(p);
  p.mem.write32(a, 7);
  expect(sys(p, 240, a, 0, 8, 0)).toBe(-11);
  p.mem.write32(a + 16, 0);
  p.mem.write32(a + 20, 1000);
  expect(await sysAsync(p, 240, a, 128, 7, a + 16)).toBe(-110);
  expect(sys(p, 240, a, 1, 1)).toBe(0);
  expect(sys(p, 240, a, 99, 1)).toBe(-38);
});

test('kill of a parked child ends its wait; the parent reaps the status', async () => {
  // Parent: fork; child: pause(); parent: kill(child, SIGTERM); wait4 → status 15.
  const q = makeProcess();
  const st = scratch(q);
  const pid = sys(q, 2);
  const child = familyOf(q).table.procs.get(pid)!;
  const childRun = (async () => { await sysAsync(child, 29); })();
  await new Promise((r) => setImmediate(r));
  expect(sys(q, 37, pid, 15)).toBe(0);
  await childRun; // pause returned (EINTR) because SIGTERM must act
  // Deliver the pending SIGTERM as the run loop would: default action, death.
  const { deliverSignals } = await import('../src/linux/signals/deliver');
  deliverSignals(child);
  expect(child.exit).toEqual({ kind: 'signaled', signal: 15 });
  const { processEnded } = await import('../src/linux/kernel');
  processEnded(child, child.exit!);
  expect(sys(q, 114, pid, st, 0, 0)).toBe(pid);
  expect(q.mem.read32(st)).toBe(15);
});
