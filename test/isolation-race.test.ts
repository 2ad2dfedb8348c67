// A guest racing its own system call arguments: what the policy checked must be what the call
// uses. vxts copies each judged argument out of the arena once, before the check, and the call
// runs with the copy (docs/SECURITY.md).
//
// The guest-level race (guests/hostile-race.c: a forked child flips a path in a MAP_SHARED page
// while the parent opens it) cannot actually interleave under vxts, which gives a forked child a
// copy of MAP_SHARED anonymous memory (shown below); so the gap is also attacked the honest way
// that remains: the guest memory is changed at the worst possible moments by the test itself,
// inside the policy hook (after the copy, before the call) and while a connect is parked,
// through the real dispatcher.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox, type SyscallRequest } from '../src/index';
import type { LinuxProcess } from '../src/linux/process';
import { dispatchSyscall, type Account } from '../src/linux/run';
import { ARG_SPECS, type DecodedCall } from '../src/linux/syscalls/decode-args';
import { SYSCALLS } from '../src/linux/syscalls/registry';
import { attachFs, buildVfs } from '../src/linux/vfs/index';
import { makeProcess, scratch, sys } from './support/linux';

const BIN = join(__dirname, '..', 'guests', 'bin');

async function run(name: string, args: string[], o: Parameters<Sandbox['spawn']>[1] = {}): Promise<string> {
  const t = new Sandbox().spawn(join(BIN, `${name}-musl`), { ...o, argv: [name, ...args] });
  const chunks: Buffer[] = [];
  t.stdout.on('data', (b: Buffer) => chunks.push(b));
  await t.exited;
  return Buffer.concat(chunks).toString('latin1');
}

describe('the guest races itself', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vxts-race-'));
    mkdirSync(join(dir, 'w'));
    writeFileSync(join(dir, 'w', 'allowed'), 'allowed\n');
    writeFileSync(join(dir, 'w', 'denied'), 'denied\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a child flipping the path in a MAP_SHARED page: every open the policy allowed opened the allowed file', async () => {
    const seen = new Set<string>();
    const out = await run('hostile-race', ['open', '/w/allowed', '/w/denied', '300'], {
      mounts: [{ host: join(dir, 'w'), guest: '/w', readOnly: true }],
      policy: { syscall: (c: SyscallRequest) => {
        if (c.name !== 'open') return undefined;
        seen.add(c.paths[0]);
        return c.paths[0].includes('denied') ? 13 : undefined;
      } },
    });
    expect(out).toBe('opened allowed: 300\nopened denied: 0\nrefused: 0\nother: 0\n');
    expect([...seen]).toEqual(['/w/allowed']);
  });

  test('known limit: MAP_SHARED anonymous memory is copied, not shared, across fork', async () => {
    // qemu-i386 (Linux) prints "seen by the parent"; so under vxts the child above flipped its own copy.
    expect(await run('hostile-race', ['shared'])).toBe('child\'s write to a MAP_SHARED page: not seen by the parent\n');
  });
});

describe('the decoder table', () => {
  test('names only registered calls', () => {
    for (const nr of ARG_SPECS.keys()) expect([nr, SYSCALLS.has(nr)]).toEqual([nr, true]);
  });

  test('a policy sees the path of every file operation, as the call uses it', async () => {
    const seen: string[] = [];
    const ops = ['write:/tmp/a', 'mkdir:/tmp/d', 'ln:/tmp/a:/tmp/l', 'readlink:/tmp/l', 'link:/tmp/a:/tmp/h', 'mv:/tmp/h:/tmp/m',
      'chmod:/tmp/m', 'trunc:/tmp/m', 'utime:/tmp/m', 'stat:/tmp/m', 'cat:/tmp/m', 'rm:/tmp/m', 'cd:/tmp/d', 'rmdir:/tmp/d'];
    const out = await run('hostile-fs', ops, { policy: { syscall: (c: SyscallRequest) => { if (c.paths.length > 0) seen.push(`${c.name} ${c.paths.join(' ')}`); } } });
    expect(out.split('\n').filter((l) => l !== '' && !/: ok( |$)/.test(l))).toEqual([]);
    // The calls musl makes for them (utime is utimensat, stat is statx).
    expect(seen).toEqual([
      'open /tmp/a', 'mkdir /tmp/d', 'symlink /tmp/a /tmp/l', 'readlink /tmp/l', 'link /tmp/a /tmp/h', 'rename /tmp/h /tmp/m',
      'chmod /tmp/m', 'truncate64 /tmp/m', 'utimensat /tmp/m', 'statx /tmp/m', 'open /tmp/m', 'unlink /tmp/m', 'chdir /tmp/d', 'rmdir /tmp/d',
    ]);
  });
});

/** An Account with only the policy hooks (what the Sandbox installs), for the real dispatcher. */
function account(syscall: (p: LinuxProcess, c: DecodedCall) => number | 'allow' | null, network: Account['network'] = () => 'allow'): Account {
  return { beforeSlice: () => Infinity, charge: () => undefined, ended: () => undefined, syscall, network };
}

/** Makes one system call through the dispatcher with `acc`; resolves to EAX. */
async function call(p: LinuxProcess, acc: Account, nr: number, ...args: number[]): Promise<number> {
  const r = p.machine.cpu.r;
  r[0] = nr;
  [3, 1, 2, 6, 7, 5].forEach((reg, i) => { r[reg] = args[i] ?? 0; }); // EBX ECX EDX ESI EDI EBP
  const wait = dispatchSyscall(p, acc);
  if (wait !== null) await wait;
  // execve replaces the Machine: read EAX from the current one.
  return p.machine.cpu.r[0];
}

const cstr = (s: string): Uint8Array => new Uint8Array(Buffer.from(`${s}\0`, 'latin1'));

describe('the argument changes between the check and the use', () => {
  function processWithTmp(): LinuxProcess {
    const p = makeProcess();
    attachFs(p, buildVfs({ cwd: null }));
    return p;
  }

  test('open: the path is rewritten inside the policy hook; the call creates the checked file', async () => {
    const p = processWithTmp();
    const at = scratch(p);
    p.mem.writeBytes(at, cstr('/tmp/checked'));
    const checked: (string | null)[] = [];
    const acc = account((q, c) => {
      if (c.name === 'open') {
        checked.push(c.decoded[0].value as string);
        q.mem.writeBytes(at, cstr('/tmp/swapped')); // the guest's bytes change after the check
      }
      return null;
    });
    const fd = await call(p, acc, 5, at, 0x41 /* O_WRONLY|O_CREAT */, 0o644);
    expect(fd).toBeGreaterThanOrEqual(0);
    expect(checked).toEqual(['/tmp/checked']);
    // What exists is what was checked (stat64 through the dispatcher, no policy).
    const buf = scratch(p);
    p.mem.writeBytes(at, cstr('/tmp/checked'));
    expect(sys(p, 195, at, buf)).toBe(0);
    p.mem.writeBytes(at, cstr('/tmp/swapped'));
    expect(sys(p, 195, at, buf)).toBe(-2);
  });

  test('execve: argv is rewritten inside the hook; the new image gets the checked argv', async () => {
    const p = makeProcess();
    attachFs(p, buildVfs({ cwd: null, mounts: [{ host: BIN, guest: '/bin', readOnly: true }] }));
    const at = scratch(p);
    // [path][argv0][argv1] strings, then the argv array.
    p.mem.writeBytes(at, cstr('/bin/hostile-fs-musl'));
    p.mem.writeBytes(at + 0x100, cstr('hostile-fs'));
    p.mem.writeBytes(at + 0x200, cstr('cat:/checked'));
    const arr = at + 0x300;
    [at + 0x100, at + 0x200, 0].forEach((v, i) => p.mem.write32(arr + 4 * i, v));
    const acc = account((q, c) => {
      if (c.name === 'execve') {
        expect(c.decoded[1]).toEqual({ name: 'argv', kind: 'argv', value: ['hostile-fs', 'cat:/checked'] });
        q.mem.writeBytes(at + 0x200, cstr('cat:/swapped'));
        q.mem.write32(arr + 4, at + 0x100); // and the array itself
      }
      return null;
    });
    expect(await call(p, acc, 11, at, arr, 0)).toBe(0);
    expect(p.argv).toEqual(['hostile-fs', 'cat:/checked']);
  });

  describe('connect', () => {
    let a: { srv: Server; port: number; hits: number };
    let b: { srv: Server; port: number; hits: number };
    const listen = async (): Promise<{ srv: Server; port: number; hits: number }> => {
      const x = { srv: createServer((s: Socket) => { x.hits++; s.on('error', () => undefined); }), port: 0, hits: 0 };
      await new Promise<void>((r) => x.srv.listen(0, '127.0.0.1', r));
      x.port = (x.srv.address() as { port: number }).port;
      return x;
    };
    beforeEach(async () => { a = await listen(); b = await listen(); });
    afterEach(() => { a.srv.close(); b.srv.close(); });

    /** A sockaddr_in for 127.0.0.1:port. */
    const sin = (port: number): Uint8Array => Uint8Array.of(2, 0, port >> 8, port & 0xff, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    const onlyA = (): Account['network'] => (_p, q) => (q.op === 'socket' || (q.address?.family === 'inet' && q.address.port === a.port) ? 'allow' : -13);

    test('the port is rewritten in the hook and again while connect is parked: it reaches the checked server', async () => {
      const p = makeProcess();
      const at = scratch(p);
      p.mem.writeBytes(at, sin(a.port));
      let parked = false;
      const acc = account((q, c) => {
        if (c.name === 'connect') {
          q.mem.writeBytes(at, sin(b.port));
          // While the call is parked, the guest's memory changes again (and again).
          const t = setInterval(() => { parked = true; q.mem.writeBytes(at, sin(b.port)); }, 0);
          setTimeout(() => clearInterval(t), 50);
        }
        return null;
      }, onlyA());
      const fd = await call(p, acc, 359, 2, 1, 0);
      expect(fd).toBeGreaterThanOrEqual(0);
      expect(await call(p, acc, 362, fd, at, 16)).toBe(0);
      const name = scratch(p);
      p.mem.write32(name + 64, 16);
      expect(await call(p, acc, 368, fd, name, name + 64)).toBe(0);
      expect(Array.from(p.mem.readBytes(name, 4))).toEqual([2, 0, a.port >> 8, a.port & 0xff]);
      await new Promise((r) => setTimeout(r, 60));
      expect(parked).toBe(true);
      expect([a.hits, b.hits]).toEqual([1, 0]);
      sys(p, 6, fd);
    });

    test('socketcall: the argument array is rewritten in the hook to point at another address; the copy is used', async () => {
      const p = makeProcess();
      const at = scratch(p);
      p.mem.writeBytes(at, sin(a.port));
      p.mem.writeBytes(at + 32, sin(b.port));
      const acc = account((q, c) => {
        if (c.name === 'connect') {
          expect(c.via).toBe('socketcall');
          q.mem.write32(at + 0x104, at + 32); // args[1]: the sockaddr pointer
        }
        return null;
      }, onlyA());
      const fd = await call(p, acc, 359, 2, 1, 0);
      [fd, at, 16].forEach((v, i) => p.mem.write32(at + 0x100 + 4 * i, v));
      expect(await call(p, acc, 102, 3 /* SYS_CONNECT */, at + 0x100)).toBe(0);
      await new Promise((r) => setTimeout(r, 20));
      expect([a.hits, b.hits]).toEqual([1, 0]);
      // And when the array really names B, the policy refuses it: the check is not bypassed.
      const fd2 = await call(p, acc, 359, 2, 1, 0);
      [fd2, at + 32, 16].forEach((v, i) => p.mem.write32(at + 0x200 + 4 * i, v));
      expect(await call(p, account(() => null, onlyA()), 102, 3, at + 0x200)).toBe(-13);
      sys(p, 6, fd);
      sys(p, 6, fd2);
    });
  });
});
