// The isolation suite: hostile guests (guests/hostile-*.c) run as tenants of a Sandbox, and each
// must be contained with the errno or signal Linux would give, with nothing leaking: memory
// outside the arena (high addresses, address 0, the arena's last page), one tenant's secret read
// by another (at the same time and after it ended), system calls with pointers outside the arena
// or straddling its end, path escapes through `..` and symlinks inside a mount, writes to a
// read-only mount, impossible and limited allocations (with the host's RSS watched), stack
// overflow, wild jumps, and network without a policy. The race of a guest against its own
// system call arguments is in isolation-race.test.ts.
//
// Where qemu-i386 can run the same probe, test/guests.test.ts already compares the default run
// of each hostile guest with qemu's output byte for byte; here every expectation is explicit.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox, type TenantResult, type TenantSpawnOptions } from '../src/index';
import { outcomeAs, type Outcome } from './support/tenant';

const BIN = join(__dirname, '..', 'guests', 'bin');
/** The default arena: 1 GiB, so 0x40000000 is the first address past it. */
const END = 0x4000_0000;
const hex = (n: number): string => `0x${n.toString(16)}`;

const outcome = (t: ReturnType<Sandbox['spawn']>): Promise<Outcome> => outcomeAs(t, 'latin1');

const sandbox = new Sandbox();
/** Runs guests/bin/NAME-musl with `args`; argv[0] is `o.argv[0]` when given, else NAME. */
function run(name: string, args: string[], o: TenantSpawnOptions = {}): Promise<Outcome> {
  return outcome(sandbox.spawn(join(BIN, `${name}-musl`), { ...o, argv: [o.argv?.[0] ?? name, ...args] }));
}

/** "name: value" lines as a map. */
function lines(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of out.split('\n')) {
    const i = l.lastIndexOf(': ');
    if (i > 0) m.set(l.slice(0, i), l.slice(i + 2));
  }
  return m;
}

describe('memory outside the arena ends the process with SIGSEGV', () => {
  test.each([
    ['read', END], ['read', END + 0x1000], ['read', 0x7fff_fffc], ['read', 0x8000_0000], ['read', 0xffff_fffc],
    ['read', 0], ['read', 0xffc], ['write', 0], ['write', END], ['write', 0xffff_f000], ['write', 0x8000_0000],
    ['exec', END], ['exec', 0xdead_beef], ['exec', 0], ['exec', 0x8000_0000],
  ].map(([op, a]) => [op, hex(a as number)]))('%s %s', async (op, addr) => {
    const { out, r } = await run('hostile-mem', [op as string, addr as string]);
    expect(r).toMatchObject({ code: null, signal: 11, reason: 'signal' });
    expect(out).toBe('');
  });

  test('the last word of the arena is the guest\'s; a word straddling the end faults', async () => {
    // The top of the stack: Linux puts a zero word at the very top, and so does vxts.
    expect((await run('hostile-mem', ['read', hex(END - 4)])).out).toBe(`read ${hex(END - 4)}: 0x0\n`);
    expect((await run('hostile-mem', ['read', hex(END - 1), '1'])).out).toBe(`read ${hex(END - 1)}: 0x0\n`);
    for (const a of [END - 2, END - 1, END - 3]) {
      const { out, r } = await run('hostile-mem', ['read', hex(a)]);
      expect([out, r.signal]).toEqual(['', 11]);
      const w = await run('hostile-mem', ['write', hex(a)]);
      expect([w.out, w.r.signal]).toEqual(['', 11]);
    }
  });

  test('a smaller arena ends where it says (256 MiB)', async () => {
    const small = { addressSpace: 256 << 20 }, end = 256 << 20;
    expect((await run('hostile-mem', ['read', hex(end - 4)], small)).out).toBe(`read ${hex(end - 4)}: 0x0\n`);
    expect((await run('hostile-mem', ['read', hex(end)], small)).r.signal).toBe(11);
    expect((await run('hostile-mem', ['read', hex(end - 2)], small)).r.signal).toBe(11);
    expect((await run('hostile-mem', ['write', hex(end + 0x1000)], small)).r.signal).toBe(11);
  });

  test('wild jumps, data execution, stack overflow: every probe SIGSEGV, the parent carries on', async () => {
    const { out, r } = await run('hostile-mem', []);
    expect(r).toMatchObject({ code: 0, reason: 'exit' });
    const got = lines(out);
    expect(got.size).toBe(21);
    for (const [probe, result] of got) {
      if (probe === 'exec executable page') expect(result).toBe('returned');
      else expect([probe, result]).toEqual([probe, expect.stringMatching(/^signal 11( code [12])?$/)]);
    }
    // SEGV_MAPERR where nothing is mapped, SEGV_ACCERR where the page lacks the permission.
    expect(got.get('read null')).toBe('signal 11 code 1');
    expect(got.get('read across end of mapping')).toBe('signal 11 code 1');
    expect(got.get('write read-only')).toBe('signal 11 code 2');
    expect(got.get('exec data')).toBe('signal 11 code 2');
    expect(got.get('exec stack')).toBe('signal 11 code 2');
    expect(got.get('stack overflow')).toBe('signal 11');
  });

  test('stack overflow without a handler: death by SIGSEGV', async () => {
    const { r } = await run('hostile-mem', ['overflow']);
    expect(r).toMatchObject({ code: null, signal: 11, reason: 'signal' });
  });
});

describe('system calls with pointers the guest does not own', () => {
  /** Every line EFAULT, except the calls for which the pointer is not an error. */
  function allFault(out: string, except: Record<string, string> = {}): void {
    const got = lines(out);
    expect(got.size).toBeGreaterThan(10);
    for (const [call, result] of got) expect([call, result]).toEqual([call, except[call] ?? 'EFAULT']);
  }

  test('NULL, unmapped, PROT_NONE and 0xfffff000 pointers: EFAULT, long paths ENAMETOOLONG', async () => {
    const { out, r } = await run('hostile-sys', [], { mounts: [{ host: BIN, guest: '/bin', readOnly: true }], argv: ['/bin/hostile-sys-musl'] });
    expect(r.code).toBe(0);
    allFault(out, {
      'rt_sigaction NULL': '0', // a NULL action only reads the old one
      'open path longer than PATH_MAX': 'ENAMETOOLONG',
      'open path of 4095 bytes': 'ENAMETOOLONG', // fits PATH_MAX, but its one component passes NAME_MAX
    });
  });

  test.each([END, END + 0x1000, 0x7fff_f000, 0x8000_0000, 0xffff_ffff].map(hex))('pointers at %s, outside the arena: EFAULT', async (addr) => {
    const { out, r } = await run('hostile-sys', ['ptr', addr], { mounts: [{ host: BIN, guest: '/bin', readOnly: true }], argv: ['/bin/hostile-sys-musl'] });
    expect(r.code).toBe(0);
    allFault(out);
  });

  test('buffers straddling the arena end: only the guest\'s bytes move, as Linux copies up to the fault', async () => {
    const { out, r } = await run('hostile-sys', ['end', hex(END)], { mounts: [{ host: BIN, guest: '/bin', readOnly: true }], argv: ['/bin/hostile-sys-musl'] });
    expect(r.code).toBe(0);
    expect(out).toBe([
      // write(2) of 8 bytes of which 4 are the guest's: a short write of those 4 (a regular file).
      `write straddling end: 4`, 'file holds: WXYZ',
      // read(2) into 8 bytes of which 4 are the guest's: those 4 are filled.
      'read straddling end: 4', 'top holds: 0123',
      'open path running past end: EFAULT', 'stat buf straddling end: EFAULT', 'clock_gettime straddling end: EFAULT',
      'execve argv straddling end: EFAULT', 'uname straddling end: EFAULT', '',
    ].join('\n'));
  });
});

describe('one tenant cannot read another\'s memory', () => {
  const SECRET = 'vxts-secret-7f3a9c1e';
  const REVERSED = [...SECRET].reverse().join('');

  test('the search finds a secret in its own process (the check works)', async () => {
    const got = lines((await run('hostile-tenant', ['selftest', REVERSED])).out);
    expect(Number(got.get('static data'))).toBeGreaterThan(1000);
    expect(Number(got.get('found elsewhere'))).toBeGreaterThan(1000);
  });

  test('two tenants at once: the reader sees its own memory or SIGSEGV, never the writer\'s secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vxts-tenants-'));
    try {
      const shared = { mounts: [{ host: dir, guest: '/shared' }] };
      const writer = outcome(sandbox.spawn(join(BIN, 'hostile-tenant-musl'), { argv: ['hostile-tenant', 'secret', '/shared', SECRET], ...shared }));
      const reader = outcome(sandbox.spawn(join(BIN, 'hostile-tenant-musl'), { argv: ['hostile-tenant', 'peek', '/shared', REVERSED], ...shared }));
      const [w, rd] = await Promise.all([writer, reader]);
      // The writer held its secret until the reader had finished (rendezvous through /shared).
      expect(w.out).toBe('planted\n');
      expect(w.r.code).toBe(0);
      expect(rd.out).toBe([
        'static data: 0', 'fixed address unmapped: signal 11 code 1', 'fixed address mapped: 0', 'fresh mapping: 0',
        'readable mappings searched: yes', 'found elsewhere: 0', '',
      ].join('\n'));
      expect(readdirSync(dir).sort()).toEqual(['done', 'ready']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('after a tenant ends, the next ones get zeroed memory (recycled arenas hold nothing)', async () => {
    const sb = new Sandbox();
    for (let round = 0; round < 3; round++) {
      const w = await outcome(sb.spawn(join(BIN, 'hostile-tenant-musl'), { argv: ['hostile-tenant', 'fill', SECRET] }));
      expect(w.r.code).toBe(0);
      const readers = await Promise.all([0, 1].map(() => outcome(sb.spawn(join(BIN, 'hostile-tenant-musl'), { argv: ['hostile-tenant', 'scan', REVERSED] }))));
      for (const rd of readers) {
        const got = lines(rd.out);
        expect([got.get('static data'), got.get('fixed address mapped'), got.get('fresh mapping'), got.get('found elsewhere')]).toEqual(['0', '0', '0', '0']);
      }
    }
  });
});

describe('paths cannot leave the mounts; read-only mounts refuse every change', () => {
  let root: string;
  let mnt: string;
  let ro: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vxts-paths-'));
    mnt = join(root, 'mnt');
    ro = join(root, 'ro');
    mkdirSync(join(mnt, 'sub'), { recursive: true });
    mkdirSync(ro);
    writeFileSync(join(root, 'secret.txt'), 'host secret\n');
    writeFileSync(join(mnt, 'file.txt'), 'mounted file\n');
    writeFileSync(join(ro, 'ro.txt'), 'read only\n');
    symlinkSync('/etc', join(mnt, 'link-etc'));
    symlinkSync('/etc/passwd', join(mnt, 'link-passwd'));
    symlinkSync('../..', join(mnt, 'link-up'));
    symlinkSync('../secret.txt', join(mnt, 'link-secret'));
    symlinkSync(join(root, 'secret.txt'), join(mnt, 'link-abs-secret'));
    symlinkSync('../../../../../../../../etc/hostname', join(mnt, 'sub', 'deep-up'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const mounts = (): TenantSpawnOptions => ({ mounts: [{ host: mnt, guest: '/data' }, { host: ro, guest: '/ro', readOnly: true }] });

  test('`..` and symlinks (absolute, relative, to /etc, up and out) resolve inside the guest', async () => {
    const ops = [
      'cat:/data/file.txt', 'cat:/data/../secret.txt', 'cat:/data/../../../../etc/passwd', 'cat:/data/link-passwd',
      'ls:/data/link-etc', 'cat:/data/link-etc/passwd', 'cat:/data/link-secret', 'cat:/data/link-abs-secret',
      'cat:/data/sub/deep-up', 'ls:/data/link-up', 'ls:/data/sub/../../..', 'readlink:/data/link-etc',
      'cd:/data/sub', 'up:12', 'cat:data/../secret.txt', 'cat:/proc/1/root/etc/passwd',
      'ln:/etc/passwd:/data/made-link', 'cat:/data/made-link', 'ln:../../../secret.txt:/data/made-up', 'cat:/data/made-up',
      'link:/data/../secret.txt:/data/hard', 'mv:/data/link-secret:/data/renamed', 'cat:/data/renamed',
    ];
    const { out, r } = await run('hostile-fs', ops, mounts());
    expect(r.code).toBe(0);
    expect(out).toBe([
      'cat /data/file.txt: ok mounted file', 'cat /data/../secret.txt: ENOENT', 'cat /data/../../../../etc/passwd: ENOENT',
      'cat /data/link-passwd: ENOENT', 'ls /data/link-etc: ENOENT', 'cat /data/link-etc/passwd: ENOENT',
      'cat /data/link-secret: ENOENT', 'cat /data/link-abs-secret: ENOENT', 'cat /data/sub/deep-up: ENOENT',
      'ls /data/link-up: data dev proc ro tmp', 'ls /data/sub/../../..: data dev proc ro tmp', 'readlink /data/link-etc: ok /etc',
      'cd /data/sub: ok', 'up 12: /', 'cat data/../secret.txt: ENOENT', 'cat /proc/1/root/etc/passwd: ENOENT',
      'ln /data/made-link: ok', 'cat /data/made-link: ENOENT', 'ln /data/made-up: ok', 'cat /data/made-up: ENOENT',
      'link /data/hard: ENOENT', 'mv /data/link-secret: ok', 'cat /data/renamed: ENOENT', '',
    ].join('\n'));
    // The guest could make symlinks in its mount, but following them never left it; the host
    // files around the mount are untouched.
    expect(readlinkSync(join(mnt, 'made-link'))).toBe('/etc/passwd');
    expect(readFileSync(join(root, 'secret.txt'), 'utf8')).toBe('host secret\n');
    expect(readdirSync(root).sort()).toEqual(['mnt', 'ro', 'secret.txt']);
  });

  test('a read-only mount: EROFS for every change, reads work', async () => {
    const ops = [
      'cat:/ro/ro.txt', 'write:/ro/new.txt', 'append:/ro/ro.txt', 'rdwr:/ro/ro.txt', 'mkdir:/ro/dir', 'rm:/ro/ro.txt',
      'mv:/ro/ro.txt:/ro/moved.txt', 'ln:x:/ro/link', 'link:/ro/ro.txt:/ro/hard', 'chmod:/ro/ro.txt', 'trunc:/ro/ro.txt',
      'utime:/ro/ro.txt', 'rmdir:/ro', 'mv:/data/file.txt:/ro/file.txt', 'mv:/ro/ro.txt:/data/stolen.txt',
      'write:/ro/../ro/new.txt',
    ];
    const { out, r } = await run('hostile-fs', ops, mounts());
    expect(r.code).toBe(0);
    expect(out).toBe([
      'cat /ro/ro.txt: ok read only', 'write /ro/new.txt: EROFS', 'append /ro/ro.txt: EROFS', 'rdwr /ro/ro.txt: EROFS',
      'mkdir /ro/dir: EROFS', 'rm /ro/ro.txt: EROFS', 'mv /ro/ro.txt: EROFS', 'ln /ro/link: EROFS', 'link /ro/hard: EROFS',
      'chmod /ro/ro.txt: EROFS', 'trunc /ro/ro.txt: EROFS', 'utime /ro/ro.txt: EROFS',
      // rmdir of a mount point: Linux says EBUSY before looking at the mount's flags.
      'rmdir /ro: EBUSY',
      // Renames between mounts are EXDEV first (Linux checks the mounts before write access).
      'mv /data/file.txt: EXDEV', 'mv /ro/ro.txt: EXDEV', 'write /ro/../ro/new.txt: EROFS', '',
    ].join('\n'));
    expect(readdirSync(ro)).toEqual(['ro.txt']);
    expect(readFileSync(join(ro, 'ro.txt'), 'utf8')).toBe('read only\n');
  });
});

describe('impossible and limited allocations', () => {
  test('impossible requests fail as on Linux', async () => {
    const { out } = await run('hostile-alloc', []);
    expect(out).toBe(readFileSync(join(__dirname, 'golden', 'guests', 'hostile-alloc-musl.stdout'), 'utf8'));
    expect(lines(out).get('mmap 3.75G')).toBe('ENOMEM');
  });

  /** Runs `args` under a 64 MiB memory limit while sampling the host's RSS. */
  async function limited(args: string[]): Promise<{ o: Outcome; growth: number }> {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 2);
    const o = await run('hostile-alloc', args, { limits: { memory: 64 << 20 } });
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { o, growth: peak - before };
  }

  test.each([['touch'], ['brk']])('%s: ENOMEM at the 64 MiB limit while the guest asks for 900 MiB; host RSS stays bounded', async (mode) => {
    const { o, growth } = await limited([mode, '900']);
    const m = /^(mmap: ENOMEM|brk: refused) after (\d+) MiB\n$/.exec(o.out);
    expect(m).not.toBeNull();
    // The 8 MiB stack reservation and the program count too.
    expect(Number(m![2])).toBeGreaterThan(40);
    expect(Number(m![2])).toBeLessThan(64);
    expect(o.r.stats.memoryRefusals).toBeGreaterThanOrEqual(1);
    expect(o.r.code).toBe(0);
    // What the guest touched (< 64 MiB) plus slack for the host's own work; 900 MiB would show.
    expect(growth).toBeLessThan(200 << 20);
  });

  test('one 512 MiB mapping under a 64 MiB limit: ENOMEM, nothing touched', async () => {
    const { o, growth } = await limited(['one', '512']);
    expect(o.out).toBe('mmap: ENOMEM\n');
    expect(growth).toBeLessThan(100 << 20);
  });
});

describe('network without a policy', () => {
  test('every way to make a socket fails with EACCES; calls on non-sockets fail as Linux says', async () => {
    const { out, r } = await run('hostile-net', ['socket']);
    expect(r.code).toBe(0);
    expect(out).toBe([
      'socket inet stream: EACCES', 'socket inet6 stream: EACCES', 'socket inet dgram: EACCES', 'socket unix stream: EACCES',
      'socketpair unix: EACCES', 'socketcall socket: EACCES', 'connect stdout: ENOTSOCK', 'connect bad fd: EBADF', '',
    ].join('\n'));
  });

  test('a policy without a network hook changes nothing: still EACCES', async () => {
    const { out } = await run('hostile-net', ['socket'], { policy: { syscall: () => undefined } });
    expect(out.split('\n')[0]).toBe('socket inet stream: EACCES');
  });
});
