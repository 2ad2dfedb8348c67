// Confinement of host mounts, shown with real files: a mounted temp directory full of
// symlinks that point out of it (to /etc/passwd, to ../../, to absolute host paths), `..` at
// the mount root, hard links out, a renamed-away working directory replaced by a symlink, and
// read-only mounts. None of them may reach a host file outside the mount.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildVfs } from '../src/linux/vfs/index';
import { AT_FDCWD, bytes, call, cstr, DATA, makeProc, NR, O } from './support/vfs';

const ENOENT = -2, EACCES = -13, EXDEV = -18, ENOTDIR = -20, EROFS = -30, ELOOP = -40, ENAMETOOLONG = -36, EPERM = -1;

let host: string;
const SECRET = 'HOST SECRET\n';

beforeAll(() => {
  host = fs.mkdtempSync(path.join(os.tmpdir(), 'vxts-confine-'));
  fs.mkdirSync(path.join(host, 'outside'));
  fs.writeFileSync(path.join(host, 'outside', 'secret.txt'), SECRET);
  const mnt = path.join(host, 'mnt');
  fs.mkdirSync(path.join(mnt, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(mnt, 'file.txt'), 'inside\n');
  fs.writeFileSync(path.join(mnt, 'sub', 'inner.txt'), 'inner\n');
  fs.symlinkSync('/etc/passwd', path.join(mnt, 'link-passwd'));
  fs.symlinkSync('../../', path.join(mnt, 'link-up'));
  fs.symlinkSync('../outside/secret.txt', path.join(mnt, 'link-sibling'));
  fs.symlinkSync(path.join(host, 'outside', 'secret.txt'), path.join(mnt, 'link-abs'));
  fs.symlinkSync(path.join(host, 'outside'), path.join(mnt, 'link-absdir'));
  fs.symlinkSync('/', path.join(mnt, 'link-root'));
  fs.symlinkSync('loop', path.join(mnt, 'loop'));
  fs.symlinkSync('sub', path.join(mnt, 'dirlink'));
  fs.mkdirSync(path.join(host, 'ro'));
  fs.writeFileSync(path.join(host, 'ro', 'keep.txt'), 'read only\n');
  fs.mkdirSync(path.join(host, 'etc'));
  fs.writeFileSync(path.join(host, 'etc', 'passwd'), 'guest:x:1000:1000::/:/bin/sh\n');
});

afterAll(() => { fs.rmSync(host, { recursive: true, force: true }); });

function view(extra: { host: string; guest: string; readOnly?: boolean }[] = []) {
  const vfs = buildVfs({ cwd: null, mounts: [{ host: path.join(host, 'mnt'), guest: '/work' }, ...extra] });
  return makeProc(vfs, '/work');
}

/** Opens and reads a guest path: its text, or the negative errno of the open. */
function readGuest(p: ReturnType<typeof makeProc>, file: string): string | number {
  const fd = call(p, NR.open, cstr(p, file), O.RDONLY, 0);
  if (fd < 0) return fd;
  const n = call(p, NR.read, fd, DATA, 4096);
  call(p, NR.close, fd);
  return n < 0 ? n : bytes(p, DATA, n).toString('latin1');
}

describe('symlinks and .. stay inside the guest tree', () => {
  test('files of the mount are readable', () => {
    const p = view();
    expect(readGuest(p, '/work/file.txt')).toBe('inside\n');
    expect(readGuest(p, 'sub/inner.txt')).toBe('inner\n');
    expect(readGuest(p, '/work/dirlink/inner.txt')).toBe('inner\n');
  });

  test('a link to /etc/passwd resolves in the guest, where no /etc exists', () => {
    const p = view();
    expect(readGuest(p, '/work/link-passwd')).toBe(ENOENT);
    // readlink shows the text, which is harmless.
    const n = call(p, NR.readlink, cstr(p, '/work/link-passwd'), DATA, 100);
    expect(bytes(p, DATA, n).toString()).toBe('/etc/passwd');
  });

  test('with a guest /etc mounted, the same link reads the guest file, not the host one', () => {
    const p = view([{ host: path.join(host, 'etc'), guest: '/etc', readOnly: true }]);
    expect(readGuest(p, '/work/link-passwd')).toBe('guest:x:1000:1000::/:/bin/sh\n');
  });

  test('relative links climbing out (../../, ../outside) end at the guest root', () => {
    const p = view();
    expect(readGuest(p, '/work/link-sibling')).toBe(ENOENT);
    expect(readGuest(p, '/work/link-up/outside/secret.txt')).toBe(ENOENT);
    expect(readGuest(p, '/work/link-up/work/file.txt')).toBe('inside\n');
    expect(readGuest(p, '/work/link-root/work/file.txt')).toBe('inside\n');
  });

  test('absolute links to host paths do not reach the host', () => {
    const p = view();
    expect(readGuest(p, '/work/link-abs')).toBe(ENOENT);
    expect(readGuest(p, '/work/link-absdir/secret.txt')).toBe(ENOENT);
    expect(call(p, NR.stat64, cstr(p, '/work/link-absdir'), DATA)).toBe(ENOENT);
  });

  test('.. at the mount root is the guest directory holding the mount point', () => {
    const p = view();
    expect(readGuest(p, '/work/../outside/secret.txt')).toBe(ENOENT);
    expect(readGuest(p, '/work/../../../../work/file.txt')).toBe('inside\n');
    expect(readGuest(p, `/work/..${path.join(host, 'outside', 'secret.txt')}`)).toBe(ENOENT);
    // cwd climbs to the guest root and no further.
    for (let i = 0; i < 5; i++) expect(call(p, NR.chdir, cstr(p, '..'))).toBe(0);
    const n = call(p, NR.getcwd, DATA, 256);
    expect(bytes(p, DATA, n).toString()).toBe('/\0');
    expect(readGuest(p, 'outside/secret.txt')).toBe(ENOENT);
    expect(readGuest(p, 'work/file.txt')).toBe('inside\n');
  });

  test('the guest root lists only what was mounted', () => {
    const p = view();
    const fd = call(p, NR.open, cstr(p, '/work/..'), O.RDONLY | O.DIRECTORY, 0);
    const n = call(p, NR.getdents64, fd, DATA, 4096);
    const names: string[] = [];
    for (let off = 0; off < n;) {
      const rec = bytes(p, DATA + off, 8192 - off);
      const reclen = rec.readUInt16LE(16);
      names.push(rec.subarray(19, rec.indexOf(0, 19)).toString());
      off += reclen;
    }
    expect(names.sort()).toEqual(['.', '..', 'dev', 'proc', 'tmp', 'work']);
  });

  test('symlink loops give ELOOP, long paths ENAMETOOLONG, a file used as a directory ENOTDIR', () => {
    const p = view();
    expect(readGuest(p, '/work/loop')).toBe(ELOOP);
    expect(readGuest(p, `/work/${'a'.repeat(256)}`)).toBe(ENAMETOOLONG);
    expect(readGuest(p, `/work/${'a/'.repeat(2048)}`)).toBe(ENAMETOOLONG);
    expect(readGuest(p, '/work/file.txt/x')).toBe(ENOTDIR);
    expect(readGuest(p, '/work/file.txt/')).toBe(ENOTDIR);
  });

  test('a symlink the guest makes pointing at a host path stays harmless', () => {
    const p = view();
    const target = path.join(host, 'outside', 'secret.txt');
    expect(call(p, NR.symlink, cstr(p, target), cstr(p, '/work/mine'))).toBe(0);
    expect(fs.readlinkSync(path.join(host, 'mnt', 'mine'))).toBe(target);
    expect(readGuest(p, '/work/mine')).toBe(ENOENT);
    // Writing through it with O_CREAT would create inside the guest's namespace, never on the host.
    expect(call(p, NR.open, cstr(p, '/work/mine'), O.WRONLY | O.CREAT, 0o644)).toBe(ENOENT);
    expect(fs.readFileSync(target, 'utf8')).toBe(SECRET);
    call(p, NR.unlink, cstr(p, '/work/mine'));
  });
});

describe('stale places cannot be redirected out of the mount', () => {
  test('a cwd whose directory is renamed and replaced by a symlink to the host', () => {
    const p = view();
    expect(call(p, NR.mkdir, cstr(p, '/work/d'), 0o755)).toBe(0);
    expect(call(p, NR.chdir, cstr(p, '/work/d'))).toBe(0);
    const dirfd = call(p, NR.open, cstr(p, '.'), O.RDONLY | O.DIRECTORY, 0);
    expect(call(p, NR.rename, cstr(p, '/work/d'), cstr(p, '/work/d2'))).toBe(0);
    expect(call(p, NR.symlink, cstr(p, path.join(host, 'outside')), cstr(p, '/work/d'))).toBe(0);
    expect(readGuest(p, 'secret.txt')).toBe(ENOENT);
    expect(call(p, NR.openat, dirfd, cstr(p, 'secret.txt'), O.RDONLY, 0)).toBe(ENOENT);
    expect(call(p, NR.stat64, cstr(p, 'secret.txt'), DATA)).toBe(ENOENT);
    // Creating through the stale place must not land in the host's directory either.
    expect(call(p, NR.openat, dirfd, cstr(p, 'planted'), O.WRONLY | O.CREAT, 0o644)).toBeLessThan(0);
    expect(fs.existsSync(path.join(host, 'outside', 'planted'))).toBe(false);
    call(p, NR.unlink, cstr(p, '/work/d'));
    call(p, NR.rmdir, cstr(p, '/work/d2'));
  });

  test('hard links out of the mount are EXDEV; a hard link to a symlink stays a symlink', () => {
    const p = view();
    expect(call(p, NR.link, cstr(p, '/work/file.txt'), cstr(p, '/tmp/x'))).toBe(EXDEV);
    expect(call(p, NR.link, cstr(p, '/tmp'), cstr(p, '/work/t'))).toBe(EPERM);
    expect(call(p, NR.link, cstr(p, '/work/link-abs'), cstr(p, '/work/hard'))).toBe(0);
    expect(fs.lstatSync(path.join(host, 'mnt', 'hard')).isSymbolicLink()).toBe(true);
    expect(readGuest(p, '/work/hard')).toBe(ENOENT);
    // Following the link first (AT_SYMLINK_FOLLOW) resolves it in the guest: nothing there.
    expect(call(p, NR.linkat, AT_FDCWD, cstr(p, '/work/link-abs'), AT_FDCWD, cstr(p, '/work/hard2'), 0x400)).toBe(ENOENT);
    call(p, NR.unlink, cstr(p, '/work/hard'));
  });

  test('renames between mounts are EXDEV', () => {
    const p = view();
    expect(call(p, NR.rename, cstr(p, '/work/file.txt'), cstr(p, '/tmp/file.txt'))).toBe(EXDEV);
    expect(fs.existsSync(path.join(host, 'mnt', 'file.txt'))).toBe(true);
  });
});

describe('read-only mounts', () => {
  const ro = () => view([{ host: path.join(host, 'ro'), guest: '/ro', readOnly: true }]);

  test('reading works, every change is EROFS, and the host files stay as they were', () => {
    const p = ro();
    expect(readGuest(p, '/ro/keep.txt')).toBe('read only\n');
    expect(call(p, NR.open, cstr(p, '/ro/keep.txt'), O.WRONLY, 0)).toBe(EROFS);
    expect(call(p, NR.open, cstr(p, '/ro/keep.txt'), O.RDWR | O.TRUNC, 0)).toBe(EROFS);
    expect(call(p, NR.open, cstr(p, '/ro/new.txt'), O.WRONLY | O.CREAT, 0o644)).toBe(EROFS);
    expect(call(p, NR.mkdir, cstr(p, '/ro/d'), 0o755)).toBe(EROFS);
    expect(call(p, NR.unlink, cstr(p, '/ro/keep.txt'))).toBe(EROFS);
    expect(call(p, NR.rename, cstr(p, '/ro/keep.txt'), cstr(p, '/ro/moved.txt'))).toBe(EROFS);
    expect(call(p, NR.symlink, cstr(p, 'x'), cstr(p, '/ro/l'))).toBe(EROFS);
    expect(call(p, NR.chmod, cstr(p, '/ro/keep.txt'), 0o777)).toBe(EROFS);
    expect(call(p, NR.utimensat, AT_FDCWD, cstr(p, '/ro/keep.txt'), 0, 0)).toBe(EROFS);
    expect(call(p, NR.access, cstr(p, '/ro/keep.txt'), 2)).toBe(EROFS);
    expect(call(p, NR.access, cstr(p, '/ro/keep.txt'), 4)).toBe(0);
    const fd = call(p, NR.open, cstr(p, '/ro/keep.txt'), O.RDONLY, 0);
    expect(call(p, NR.ftruncate, fd, 0)).toBe(-22);
    expect(fs.readdirSync(path.join(host, 'ro'))).toEqual(['keep.txt']);
    expect(fs.readFileSync(path.join(host, 'ro', 'keep.txt'), 'utf8')).toBe('read only\n');
    expect((fs.statSync(path.join(host, 'ro', 'keep.txt')).mode & 0o777)).not.toBe(0o777);
  });
});

describe('writing through a read-write mount', () => {
  test('creates, appends and removes real host files with byte-exact names', () => {
    const p = view();
    const name = Buffer.from([0x66, 0xff, 0x0a, 0x20, 0x80]); // "f\xff\n \x80": not UTF-8
    const guest = Buffer.concat([Buffer.from('/work/'), name]);
    const fd = call(p, NR.open, cstr(p, guest), O.WRONLY | O.CREAT | O.EXCL, 0o600);
    expect(fd).toBeGreaterThanOrEqual(0);
    p.mem.writeBytes(DATA, Buffer.from('abc'));
    expect(call(p, NR.write, fd, DATA, 3)).toBe(3);
    call(p, NR.close, fd);
    const hostName = Buffer.concat([Buffer.from(path.join(host, 'mnt') + '/'), name]);
    expect(fs.readFileSync(hostName).toString()).toBe('abc');
    expect(fs.statSync(hostName).mode & 0o777).toBe(0o600);
    expect(call(p, NR.open, cstr(p, guest), O.WRONLY | O.CREAT | O.EXCL, 0o600)).toBe(-17);
    expect(call(p, NR.unlink, cstr(p, guest))).toBe(0);
    expect(fs.existsSync(hostName)).toBe(false);
  });

  test('a host FIFO inside the mount is not opened (it would hang the host)', () => {
    const fifo = path.join(host, 'mnt', 'fifo');
    try {
      require('node:child_process').execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo on this host
    }
    const p = view();
    expect(call(p, NR.open, cstr(p, '/work/fifo'), O.RDONLY, 0)).toBe(EACCES);
    fs.unlinkSync(fifo);
  });
});
