// tmpfs semantics and path resolution as Linux gives them, through the system calls: file
// contents and sizes, O_APPEND/O_TRUNC/O_EXCL, the umask, directories, renames, hard links,
// symlinks (relative, absolute, dangling), permissions and the sticky bit, times, the size
// limit, and the errors of odd paths.

import { forkFs, TmpFs, buildVfs } from '../src/linux/vfs/index';
import { Vfs } from '../src/linux/vfs/vfs';
import { AT_FDCWD, bytes, call, cstr, DATA, makeProc, NR, O } from './support/vfs';

const EPERM = -1, ENOENT = -2, EEXIST = -17, ENOTDIR = -20, EISDIR = -21, EINVAL = -22, EACCES = -13, ENOSPC = -28,
  ELOOP = -40, ENOTEMPTY = -39, EBUSY = -16;

type P = ReturnType<typeof makeProc>;
const open = (p: P, f: string, flags: number, mode = 0o666): number => call(p, NR.open, cstr(p, f), flags, mode);
function write(p: P, fd: number, s: string): number {
  p.mem.writeBytes(DATA, Buffer.from(s, 'latin1'));
  return call(p, NR.write, fd, DATA, s.length);
}
function readAll(p: P, f: string): string | number {
  const fd = open(p, f, O.RDONLY);
  if (fd < 0) return fd;
  const n = call(p, NR.read, fd, DATA, 0x8000);
  call(p, NR.close, fd);
  return n < 0 ? n : bytes(p, DATA, n).toString('latin1');
}
/** A few stat64 fields. */
function stat(p: P, f: string, nofollow = false) {
  const r = call(p, nofollow ? NR.lstat64 : NR.stat64, cstr(p, f), DATA + 0x8000);
  if (r < 0) return r;
  const b = bytes(p, DATA + 0x8000, 96);
  return { mode: b.readUInt32LE(16), nlink: b.readUInt32LE(20), uid: b.readUInt32LE(24), size: Number(b.readBigInt64LE(44)),
    ino: Number(b.readBigUInt64LE(88)), mtime: b.readUInt32LE(72), mtimeNs: b.readUInt32LE(76), dev: Number(b.readBigUInt64LE(0)) };
}

describe('files', () => {
  test('write, read back, append, truncate and exclusive create', () => {
    const p = makeProc();
    const fd = open(p, '/tmp/f', O.RDWR | O.CREAT);
    expect(write(p, fd, 'hello world')).toBe(11);
    expect(readAll(p, '/tmp/f')).toBe('hello world');
    expect(open(p, '/tmp/f', O.RDWR | O.CREAT | O.EXCL)).toBe(EEXIST);
    const ap = open(p, '/tmp/f', O.WRONLY | O.APPEND);
    call(p, NR.lseek, ap, 0, 0);
    expect(write(p, ap, '!')).toBe(1);
    expect(readAll(p, '/tmp/f')).toBe('hello world!');
    expect(call(p, NR.ftruncate, fd, 5)).toBe(0);
    expect(readAll(p, '/tmp/f')).toBe('hello');
    // Growing leaves zeros; a write past the end leaves a zero-filled gap.
    expect(call(p, NR.lseek, fd, 8, 0)).toBe(8);
    expect(write(p, fd, 'Z')).toBe(1);
    expect(readAll(p, '/tmp/f')).toBe('hello\0\0\0Z');
    const t = open(p, '/tmp/f', O.WRONLY | O.TRUNC);
    expect(t).toBeGreaterThanOrEqual(0);
    expect(stat(p, '/tmp/f')).toMatchObject({ size: 0 });
  });

  test('the umask applies to the mode of new files and directories', () => {
    const p = makeProc();
    expect(call(p, NR.umask, 0o027)).toBe(0o022);
    open(p, '/tmp/m', O.WRONLY | O.CREAT, 0o666);
    call(p, NR.mkdir, cstr(p, '/tmp/md'), 0o777);
    expect(stat(p, '/tmp/m')).toMatchObject({ mode: 0o100640 });
    expect(stat(p, '/tmp/md')).toMatchObject({ mode: 0o40750 });
  });

  test('unlinking an open file keeps its data until it is closed', () => {
    const p = makeProc();
    const fd = open(p, '/tmp/gone', O.RDWR | O.CREAT);
    write(p, fd, 'still here');
    expect(call(p, NR.unlink, cstr(p, '/tmp/gone'))).toBe(0);
    expect(stat(p, '/tmp/gone')).toBe(ENOENT);
    call(p, NR.lseek, fd, 0, 0);
    expect(call(p, NR.read, fd, DATA, 100)).toBe(10);
    expect(call(p, NR.fstat64, fd, DATA)).toBe(0);
    expect(bytes(p, DATA, 96).readUInt32LE(20)).toBe(0); // nlink 0
  });

  test('the size limit of a tmpfs is ENOSPC, not host memory', () => {
    const vfs = new Vfs(new TmpFs({ maxBytes: 8192, rootMode: 0o1777 }));
    const p = makeProc(vfs, '/');
    const fd = open(p, '/big', O.WRONLY | O.CREAT);
    expect(fd).toBeGreaterThanOrEqual(0);
    expect(call(p, NR.pwrite64, fd, DATA, 4096, 0, 0)).toBe(4096);
    expect(call(p, NR.pwrite64, fd, DATA, 4096, 0x7fff0000, 0)).toBe(ENOSPC);
    expect(call(p, NR.ftruncate, fd, 1 << 30)).toBe(ENOSPC);
  });
});

describe('directories, renames and links', () => {
  test('mkdir, rmdir and their errors', () => {
    const p = makeProc();
    expect(call(p, NR.mkdir, cstr(p, '/tmp/a/'), 0o755)).toBe(0);
    expect(call(p, NR.mkdir, cstr(p, '/tmp/a'), 0o755)).toBe(EEXIST);
    expect(call(p, NR.mkdir, cstr(p, '/tmp/nope/b'), 0o755)).toBe(ENOENT);
    open(p, '/tmp/a/f', O.WRONLY | O.CREAT);
    expect(call(p, NR.rmdir, cstr(p, '/tmp/a'))).toBe(ENOTEMPTY);
    expect(call(p, NR.rmdir, cstr(p, '/tmp/a/f'))).toBe(ENOTDIR);
    expect(call(p, NR.unlink, cstr(p, '/tmp/a'))).toBe(EISDIR);
    expect(call(p, NR.rmdir, cstr(p, '/tmp/a/.'))).toBe(EINVAL);
    expect(call(p, NR.rmdir, cstr(p, '/tmp/a/..'))).toBe(ENOTEMPTY);
    expect(call(p, NR.rmdir, cstr(p, '/tmp'))).toBe(EBUSY);
    expect(call(p, NR.mkdir, cstr(p, '/tmp/a/..'), 0o755)).toBe(EEXIST);
    expect(open(p, '/tmp/x/', O.WRONLY | O.CREAT)).toBe(EISDIR);
    expect(stat(p, '/tmp/a')).toMatchObject({ nlink: 2, size: 60 });
    expect(stat(p, '/tmp')).toMatchObject({ mode: 0o41777 });
  });

  test('rename replaces files, refuses loops and non-empty targets, keeps the inode', () => {
    const p = makeProc();
    open(p, '/tmp/one', O.WRONLY | O.CREAT);
    open(p, '/tmp/two', O.WRONLY | O.CREAT);
    const ino = (stat(p, '/tmp/one') as { ino: number }).ino;
    expect(call(p, NR.rename, cstr(p, '/tmp/one'), cstr(p, '/tmp/two'))).toBe(0);
    expect(stat(p, '/tmp/one')).toBe(ENOENT);
    expect(stat(p, '/tmp/two')).toMatchObject({ ino });
    call(p, NR.mkdir, cstr(p, '/tmp/d'), 0o755);
    call(p, NR.mkdir, cstr(p, '/tmp/d/e'), 0o755);
    call(p, NR.mkdir, cstr(p, '/tmp/full'), 0o755);
    open(p, '/tmp/full/x', O.WRONLY | O.CREAT);
    expect(call(p, NR.rename, cstr(p, '/tmp/d'), cstr(p, '/tmp/d/e/f'))).toBe(EINVAL);
    expect(call(p, NR.rename, cstr(p, '/tmp/d'), cstr(p, '/tmp/full'))).toBe(ENOTEMPTY);
    expect(call(p, NR.rename, cstr(p, '/tmp/d'), cstr(p, '/tmp/two'))).toBe(ENOTDIR);
    expect(call(p, NR.rename, cstr(p, '/tmp/two'), cstr(p, '/tmp/d'))).toBe(EISDIR);
    expect(call(p, NR.rename, cstr(p, '/tmp/d'), cstr(p, '/tmp/d2'))).toBe(0);
    expect(stat(p, '/tmp/d2/e')).toMatchObject({ mode: 0o40755 });
  });

  test('hard links share data and count links', () => {
    const p = makeProc();
    const fd = open(p, '/tmp/h1', O.RDWR | O.CREAT);
    expect(call(p, NR.link, cstr(p, '/tmp/h1'), cstr(p, '/tmp/h2'))).toBe(0);
    expect(call(p, NR.link, cstr(p, '/tmp/h1'), cstr(p, '/tmp/h2'))).toBe(EEXIST);
    write(p, fd, 'shared');
    expect(readAll(p, '/tmp/h2')).toBe('shared');
    expect(stat(p, '/tmp/h1')).toMatchObject({ nlink: 2 });
    call(p, NR.unlink, cstr(p, '/tmp/h1'));
    expect(stat(p, '/tmp/h2')).toMatchObject({ nlink: 1 });
  });

  test('symlinks: relative, absolute, dangling (O_CREAT makes the target), O_NOFOLLOW, loops', () => {
    const p = makeProc();
    call(p, NR.mkdir, cstr(p, '/tmp/s'), 0o755);
    expect(call(p, NR.symlink, cstr(p, '../s/target'), cstr(p, '/tmp/s/rel'))).toBe(0);
    expect(call(p, NR.symlink, cstr(p, '/tmp/s/target'), cstr(p, '/tmp/s/abs'))).toBe(0);
    expect(readAll(p, '/tmp/s/rel')).toBe(ENOENT);
    expect(open(p, '/tmp/s/rel', O.WRONLY | O.CREAT | O.EXCL)).toBe(EEXIST);
    const fd = open(p, '/tmp/s/rel', O.WRONLY | O.CREAT);
    expect(fd).toBeGreaterThanOrEqual(0);
    write(p, fd, 'via link');
    expect(readAll(p, '/tmp/s/target')).toBe('via link');
    expect(readAll(p, '/tmp/s/abs')).toBe('via link');
    expect(open(p, '/tmp/s/abs', O.RDONLY | O.NOFOLLOW)).toBe(ELOOP);
    expect(stat(p, '/tmp/s/abs', true)).toMatchObject({ mode: 0o120777, size: 13 });
    expect(open(p, '/tmp/s/target', O.RDONLY | O.DIRECTORY)).toBe(ENOTDIR);
    expect(call(p, NR.symlink, cstr(p, 'b'), cstr(p, '/tmp/s/a'))).toBe(0);
    expect(call(p, NR.symlink, cstr(p, 'a'), cstr(p, '/tmp/s/b'))).toBe(0);
    expect(readAll(p, '/tmp/s/a')).toBe(ELOOP);
    expect(call(p, NR.symlink, cstr(p, ''), cstr(p, '/tmp/s/empty'))).toBe(ENOENT);
  });

  test('odd paths: empty, missing parents, a trailing slash on a file', () => {
    const p = makeProc();
    expect(readAll(p, '')).toBe(ENOENT);
    expect(readAll(p, '/tmp/no/such')).toBe(ENOENT);
    open(p, '/tmp/plain', O.WRONLY | O.CREAT);
    expect(stat(p, '/tmp/plain/')).toBe(ENOTDIR);
    expect(stat(p, '/tmp//./plain')).toMatchObject({ mode: 0o100644 });
    expect(stat(p, '///')).toMatchObject({ mode: 0o40755 });
  });
});

describe('permissions', () => {
  test('mode bits are enforced for an ordinary user, not for root', () => {
    const p = makeProc();
    open(p, '/tmp/locked', O.WRONLY | O.CREAT, 0o600);
    expect(call(p, NR.chmod, cstr(p, '/tmp/locked'), 0o000)).toBe(0);
    expect(readAll(p, '/tmp/locked')).toBe(EACCES);
    expect(call(p, NR.access, cstr(p, '/tmp/locked'), 4)).toBe(EACCES);
    call(p, NR.mkdir, cstr(p, '/tmp/noexec'), 0o755);
    open(p, '/tmp/noexec/f', O.WRONLY | O.CREAT);
    call(p, NR.chmod, cstr(p, '/tmp/noexec'), 0o600);
    expect(stat(p, '/tmp/noexec/f')).toBe(EACCES);
    // Creating in the root of the guest is a root-owned 0755 directory: not for uid 1000.
    expect(open(p, '/newfile', O.WRONLY | O.CREAT)).toBe(EACCES);
    p.creds.fsuid = 0;
    expect(readAll(p, '/tmp/locked')).toBe('');
    expect(stat(p, '/tmp/noexec/f')).toMatchObject({ size: 0 });
  });

  test('only the owner may chmod; the sticky /tmp protects other users\' files', () => {
    const p = makeProc();
    open(p, '/tmp/mine', O.WRONLY | O.CREAT);
    p.creds.fsuid = 1001;
    expect(call(p, NR.chmod, cstr(p, '/tmp/mine'), 0o777)).toBe(EPERM);
    expect(call(p, NR.unlink, cstr(p, '/tmp/mine'))).toBe(EPERM);
    expect(call(p, NR.rename, cstr(p, '/tmp/mine'), cstr(p, '/tmp/theirs'))).toBe(EPERM);
    p.creds.fsuid = 1000;
    expect(call(p, NR.unlink, cstr(p, '/tmp/mine'))).toBe(0);
  });
});

describe('times, working directory and fork', () => {
  test('utimensat sets explicit times; writes move mtime with the process clock', () => {
    const p = makeProc();
    const fd = open(p, '/tmp/t', O.WRONLY | O.CREAT);
    p.mem.writeBytes(DATA + 0x100, Buffer.from(new Int32Array([1000, 5, 2000, 999_999_999]).buffer));
    expect(call(p, NR.utimensat, AT_FDCWD, cstr(p, '/tmp/t'), DATA + 0x100, 0)).toBe(0);
    expect(stat(p, '/tmp/t')).toMatchObject({ mtime: 2000, mtimeNs: 999_999_999 });
    write(p, fd, 'x');
    const after = stat(p, '/tmp/t') as { mtime: number };
    expect(after.mtime).toBeGreaterThan(1_700_000_000); // the deterministic clock's 2024 epoch
    p.mem.writeBytes(DATA + 0x100, Buffer.from(new Int32Array([0, 1_000_000_000, 0, 0]).buffer));
    expect(call(p, NR.utimensat, AT_FDCWD, cstr(p, '/tmp/t'), DATA + 0x100, 0)).toBe(EINVAL);
  });

  test('getcwd follows chdir and fails once the directory is removed', () => {
    const p = makeProc();
    call(p, NR.mkdir, cstr(p, '/tmp/w'), 0o755);
    expect(call(p, NR.chdir, cstr(p, '/tmp/w'))).toBe(0);
    const n = call(p, NR.getcwd, DATA, 100);
    expect(bytes(p, DATA, n).toString()).toBe('/tmp/w\0');
    expect(call(p, NR.getcwd, DATA, 3)).toBe(-34);
    expect(call(p, NR.rmdir, cstr(p, '/tmp/w'))).toBe(0);
    expect(call(p, NR.getcwd, DATA, 100)).toBe(ENOENT);
    expect(call(p, NR.chdir, cstr(p, '/tmp/none'))).toBe(ENOENT);
  });

  test('fork: the child gets its own cwd and umask, and shares open descriptions', () => {
    const vfs = buildVfs({ cwd: null });
    const parent = makeProc(vfs, '/tmp');
    const child = makeProc(vfs, '/', 2);
    forkFs(parent, child);
    child.fds = parent.fds.fork();
    const fd = open(parent, '/tmp/shared', O.RDWR | O.CREAT);
    expect(call(child, NR.chdir, cstr(child, '/dev'))).toBe(0);
    call(child, NR.umask, 0o077);
    const n = call(parent, NR.getcwd, DATA, 100);
    expect(bytes(parent, DATA, n).toString()).toBe('/tmp\0');
    expect(call(parent, NR.umask, 0o022)).toBe(0o022);
    // A descriptor opened after the fork is the parent's alone.
    expect(call(child, NR.write, fd, DATA, 1)).toBe(-9);
    const before = open(parent, '/tmp/shared', O.RDWR);
    const kid = makeProc(vfs, '/', 3);
    forkFs(parent, kid);
    kid.fds = parent.fds.fork();
    expect(write(kid, before, 'abc')).toBe(3);
    expect(call(parent, NR.lseek, before, 0, 1)).toBe(3); // the offset is shared
  });
});
