// The file system calls end to end through guest memory: the i386 struct stat64, stat and
// statx bytes, getdents64/getdents records, iovecs and 64-bit offsets, and hostile pointers and
// lengths, which must come back as EFAULT/EINVAL/ENAMETOOLONG and change nothing.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildVfs } from '../src/linux/vfs/index';
import { AT_FDCWD, bytes, call, cstr, DATA, DATA_SIZE, makeProc, NR, O, RO_PAGE, UNMAPPED } from './support/vfs';

const EBADF = -9, EFAULT = -14, EINVAL = -22, ENAMETOOLONG = -36, EOVERFLOW = -75, ESPIPE = -29, EMFILE = -24;
type P = ReturnType<typeof makeProc>;
const BUF = DATA + 0x4000;

function fileWith(p: P, name: string, content: string, mode = 0o640): number {
  const fd = call(p, NR.open, cstr(p, name), O.RDWR | O.CREAT | O.TRUNC, mode);
  p.mem.writeBytes(DATA, Buffer.from(content));
  call(p, NR.write, fd, DATA, content.length);
  return fd;
}

/** Sets atime (1000 s + 5 ns) and mtime (2000 s + 7 ns) with utimensat. */
function fixTimes(p: P, name: string): void {
  p.mem.writeBytes(DATA + 0x100, Buffer.from(new Int32Array([1000, 5, 2000, 7]).buffer));
  expect(call(p, NR.utimensat, AT_FDCWD, cstr(p, name), DATA + 0x100, 0)).toBe(0);
}

describe('stat structures', () => {
  test('stat64 is laid out as i386 Linux lays it out (96 bytes)', () => {
    const p = makeProc();
    fileWith(p, '/tmp/s', 'hello');
    fixTimes(p, '/tmp/s');
    p.mem.writeBytes(BUF, Buffer.alloc(100, 0xee));
    expect(call(p, NR.stat64, cstr(p, '/tmp/s'), BUF)).toBe(0);
    const b = bytes(p, BUF, 100);
    const ino = b.readUInt32LE(12);
    expect(ino).toBeGreaterThan(0);
    expect(b.readBigUInt64LE(0)).toBeGreaterThan(0n); // st_dev: the /tmp mount's (0, minor)
    expect(b.subarray(8, 12)).toEqual(Buffer.alloc(4)); // __pad0
    expect(b.readUInt32LE(16)).toBe(0o100640); // st_mode
    expect(b.readUInt32LE(20)).toBe(1); // st_nlink
    expect(b.readUInt32LE(24)).toBe(1000); // st_uid
    expect(b.readUInt32LE(28)).toBe(1000); // st_gid
    expect(b.readBigUInt64LE(32)).toBe(0n); // st_rdev
    expect(b.subarray(40, 44)).toEqual(Buffer.alloc(4)); // __pad3
    expect(b.readBigInt64LE(44)).toBe(5n); // st_size
    expect(b.readUInt32LE(52)).toBe(4096); // st_blksize
    expect(b.readBigUInt64LE(56)).toBe(8n); // st_blocks
    expect([b.readUInt32LE(64), b.readUInt32LE(68)]).toEqual([1000, 5]); // atime
    expect([b.readUInt32LE(72), b.readUInt32LE(76)]).toEqual([2000, 7]); // mtime
    expect(b.readUInt32LE(80)).toBeGreaterThan(1_700_000_000); // ctime: the change just made
    expect(b.readBigUInt64LE(88)).toBe(BigInt(ino)); // st_ino
    expect(b.subarray(96, 100)).toEqual(Buffer.alloc(4, 0xee)); // nothing written past the struct
  });

  test('a device has its rdev in Linux encoding; fstat64 and fstatat64 agree with stat64', () => {
    const p = makeProc();
    expect(call(p, NR.stat64, cstr(p, '/dev/null'), BUF)).toBe(0);
    const b = bytes(p, BUF, 96);
    expect(b.readUInt32LE(16)).toBe(0o20666);
    expect(b.readBigUInt64LE(32)).toBe(0x103n);
    const fd = call(p, NR.open, cstr(p, '/dev/null'), O.RDONLY, 0);
    expect(call(p, NR.fstat64, fd, BUF + 0x100)).toBe(0);
    expect(call(p, NR.fstatat64, fd, cstr(p, ''), BUF + 0x200, 0x1000 /* AT_EMPTY_PATH */)).toBe(0);
    expect(call(p, NR.fstatat64, AT_FDCWD, cstr(p, '/dev/null'), BUF + 0x300, 0)).toBe(0);
    // Times of /dev come from the VFS's creation; all four copies match byte for byte.
    for (const off of [0x100, 0x200, 0x300]) expect(bytes(p, BUF + off, 96)).toEqual(b);
    expect(call(p, NR.fstatat64, AT_FDCWD, cstr(p, '/dev/null'), BUF, 0x8000)).toBe(EINVAL);
  });

  test('statx fills struct statx (256 bytes)', () => {
    const p = makeProc();
    fileWith(p, '/tmp/x', 'abcdefgh', 0o600);
    fixTimes(p, '/tmp/x');
    expect(call(p, NR.statx, AT_FDCWD, cstr(p, '/tmp/x'), 0, 0x7ff, BUF)).toBe(0);
    const b = bytes(p, BUF, 256);
    expect(b.readUInt32LE(0x00) & 0x7ff).toBe(0x7ff); // stx_mask
    expect(b.readUInt32LE(0x04)).toBe(4096); // stx_blksize
    expect(b.readUInt32LE(0x10)).toBe(1); // stx_nlink
    expect(b.readUInt32LE(0x14)).toBe(1000); // stx_uid
    expect(b.readUInt16LE(0x1c)).toBe(0o100600); // stx_mode
    expect(b.readBigUInt64LE(0x28)).toBe(8n); // stx_size
    expect([b.readBigInt64LE(0x40), b.readUInt32LE(0x48)]).toEqual([1000n, 5]); // stx_atime
    expect([b.readBigInt64LE(0x70), b.readUInt32LE(0x78)]).toEqual([2000n, 7]); // stx_mtime
    expect(b.readUInt32LE(0x88)).toBe(0); // stx_dev_major: an anonymous device
    expect(b.readUInt32LE(0x8c)).toBeGreaterThan(0); // stx_dev_minor
    call(p, NR.stat64, cstr(p, '/tmp/x'), BUF + 0x200);
    expect(b.readBigUInt64LE(0x20)).toBe(bytes(p, BUF + 0x200, 96).readBigUInt64LE(88)); // stx_ino
    expect(call(p, NR.statx, AT_FDCWD, cstr(p, '/tmp/x'), 0x6000, 0x7ff, BUF)).toBe(EINVAL);
  });

  test('the old stat (64 bytes) has 16-bit fields and reports EOVERFLOW past 2 GiB', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vxts-stat-'));
    try {
      const p = makeProc(buildVfs({ cwd: null, mounts: [{ host: dir, guest: '/h' }] }), '/h');
      const fd = fileWith(p, '/h/o', 'xyz', 0o644);
      expect(call(p, NR.stat, cstr(p, '/h/o'), BUF)).toBe(0);
      const b = bytes(p, BUF, 64);
      expect(b.readUInt16LE(8)).toBe(0o100644);
      expect(b.readUInt16LE(10)).toBe(1);
      expect(b.readUInt32LE(20)).toBe(3);
      // A sparse 3 GiB host file: fine for stat64, too big for stat.
      expect(call(p, 194 /* ftruncate64 */, fd, 0xc0000000, 0)).toBe(0);
      expect(call(p, NR.stat, cstr(p, '/h/o'), BUF)).toBe(EOVERFLOW);
      expect(call(p, NR.stat64, cstr(p, '/h/o'), BUF)).toBe(0);
      expect(bytes(p, BUF, 96).readBigInt64LE(44)).toBe(0xc0000000n);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('directory records', () => {
  function setup(p: P): number {
    call(p, NR.mkdir, cstr(p, '/tmp/g'), 0o755);
    for (const n of ['a', 'bb', 'ccc']) call(p, NR.close, call(p, NR.open, cstr(p, `/tmp/g/${n}`), O.WRONLY | O.CREAT, 0o644));
    return call(p, NR.open, cstr(p, '/tmp/g'), O.RDONLY | O.DIRECTORY, 0);
  }

  test('getdents64: 8-byte aligned linux_dirent64 records with ino, next offset, type and name', () => {
    const p = makeProc();
    const fd = setup(p);
    const n = call(p, NR.getdents64, fd, BUF, 4096);
    const b = bytes(p, BUF, n);
    const recs: [bigint, bigint, number, number, string][] = [];
    for (let off = 0; off < n;) {
      const reclen = b.readUInt16LE(off + 16);
      expect(reclen % 8).toBe(0);
      const name = b.subarray(off + 19, b.indexOf(0, off + 19)).toString();
      expect(reclen).toBe(Math.ceil((19 + name.length + 1) / 8) * 8);
      recs.push([b.readBigUInt64LE(off), b.readBigInt64LE(off + 8), reclen, b[off + 18], name]);
      off += reclen;
    }
    expect(recs.map((r) => r[4])).toEqual(['.', '..', 'a', 'bb', 'ccc']);
    expect(recs.map((r) => r[1])).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(recs.map((r) => r[3])).toEqual([4, 4, 8, 8, 8]);
    call(p, NR.stat64, cstr(p, '/tmp/g/bb'), BUF + 0x1000);
    expect(recs[3][0]).toBe(bytes(p, BUF + 0x1000, 96).readBigUInt64LE(88));
    expect(call(p, NR.getdents64, fd, BUF, 4096)).toBe(0);
    // Rewinding starts over; a buffer too small for one record is EINVAL.
    expect(call(p, NR.lseek, fd, 0, 0)).toBe(0);
    expect(call(p, NR.getdents64, fd, BUF, 10)).toBe(EINVAL);
    expect(call(p, NR.getdents64, fd, BUF, 48)).toBe(48); // '.' and '..' only
    expect(call(p, NR.getdents64, fd, BUF, 4096)).toBe(72);
    expect(call(p, NR.getdents64, call(p, NR.open, cstr(p, '/tmp/g/a'), O.RDONLY, 0), BUF, 4096)).toBe(-20);
  });

  test('getdents: 4-byte aligned linux_dirent with d_type in the last byte', () => {
    const p = makeProc();
    const fd = setup(p);
    const n = call(p, NR.getdents, fd, BUF, 4096);
    const b = bytes(p, BUF, n);
    const names: string[] = [];
    for (let off = 0; off < n;) {
      const reclen = b.readUInt16LE(off + 8);
      expect(reclen).toBe(Math.ceil((10 + b.indexOf(0, off + 10) - (off + 10) + 2) / 4) * 4);
      names.push(`${b.subarray(off + 10, b.indexOf(0, off + 10))}:${b[off + reclen - 1]}`);
      off += reclen;
    }
    expect(names).toEqual(['.:4', '..:4', 'a:8', 'bb:8', 'ccc:8']);
  });
});

describe('offsets and vectors', () => {
  test('readv/writev scatter and gather; pread/pwrite leave the position alone', () => {
    const p = makeProc();
    const fd = fileWith(p, '/tmp/v', '');
    p.mem.writeBytes(DATA, Buffer.from('HEAD-tail'));
    p.mem.writeBytes(BUF, Buffer.from(new Uint32Array([DATA, 5, DATA + 5, 4]).buffer));
    expect(call(p, NR.writev, fd, BUF, 2)).toBe(9);
    expect(call(p, NR.pwrite64, fd, DATA + 5, 4, 0, 0)).toBe(4);
    expect(call(p, NR.lseek, fd, 0, 1)).toBe(9);
    p.mem.writeBytes(BUF, Buffer.from(new Uint32Array([DATA + 0x200, 3, DATA + 0x300, 100]).buffer));
    expect(call(p, NR.pread64, fd, DATA + 0x100, 100, 0, 0)).toBe(9);
    expect(bytes(p, DATA + 0x100, 9).toString()).toBe('tail-tail');
    call(p, NR.lseek, fd, 0, 0);
    expect(call(p, NR.readv, fd, BUF, 2)).toBe(9);
    expect(bytes(p, DATA + 0x200, 3).toString() + bytes(p, DATA + 0x300, 6).toString()).toBe('tail-tail');
    expect(call(p, NR.pread64, fd, DATA, 1, 0xffffffff, 0xffffffff)).toBe(EINVAL);
    const [r] = [call(p, NR.pipe, DATA + 0x400)];
    expect(r).toBe(0);
    expect(call(p, NR.pread64, bytes(p, DATA + 0x400, 4).readInt32LE(0), DATA, 1, 0, 0)).toBe(ESPIPE);
  });

  test('_llseek takes and returns 64-bit offsets; lseek reports EOVERFLOW past 2 GiB', () => {
    const p = makeProc();
    const fd = fileWith(p, '/tmp/l', 'x');
    expect(call(p, NR._llseek, fd, 1, 5, BUF, 0)).toBe(0); // 4 GiB + 5
    expect(bytes(p, BUF, 8).readBigInt64LE(0)).toBe(0x1_0000_0005n);
    expect(call(p, NR.lseek, fd, 0, 1)).toBe(EOVERFLOW);
    expect(call(p, NR._llseek, fd, 0xffffffff, 0xfffffff0, BUF, 0)).toBe(EINVAL);
    expect(call(p, NR._llseek, fd, 0, 0, BUF, 7)).toBe(EINVAL);
    expect(call(p, NR._llseek, fd, 0, 0, RO_PAGE, 0)).toBe(EFAULT);
  });

  test('sendfile64 copies from a file at an offset it updates', () => {
    const p = makeProc();
    fileWith(p, '/tmp/src', 'sendfile data');
    const src = call(p, NR.open, cstr(p, '/tmp/src'), O.RDONLY, 0);
    const dst = call(p, NR.open, cstr(p, '/tmp/dst'), O.WRONLY | O.CREAT, 0o644);
    p.mem.writeBytes(BUF, Buffer.from(new BigInt64Array([9n]).buffer));
    expect(call(p, NR.sendfile64, dst, src, BUF, 100)).toBe(4);
    expect(bytes(p, BUF, 8).readBigInt64LE(0)).toBe(13n);
    expect(call(p, NR.sendfile64, dst, src, 0, 100)).toBe(13);
    expect(call(p, NR.lseek, src, 0, 1)).toBe(13);
    const back = call(p, NR.open, cstr(p, '/tmp/dst'), O.RDONLY, 0);
    expect(call(p, NR.read, back, DATA, 100)).toBe(17);
    expect(bytes(p, DATA, 17).toString()).toBe('datasendfile data');
  });
});

describe('hostile pointers and lengths', () => {
  test('paths: unmapped, running into an unmapped page, or too long', () => {
    const p = makeProc();
    expect(call(p, NR.open, UNMAPPED, O.RDONLY, 0)).toBe(EFAULT);
    expect(call(p, NR.open, 0, O.RDONLY, 0)).toBe(EFAULT);
    // No NUL before the end of the mapping: the path runs into unmapped memory.
    p.mem.writeBytes(DATA + DATA_SIZE - 16, Buffer.alloc(16, 0x61));
    expect(call(p, NR.stat64, DATA + DATA_SIZE - 16, BUF)).toBe(EFAULT);
    p.mem.writeBytes(DATA, Buffer.alloc(5000, 0x61));
    expect(call(p, NR.open, DATA, O.RDONLY, 0)).toBe(ENAMETOOLONG);
    expect(call(p, NR.mkdir, DATA, 0o755)).toBe(ENAMETOOLONG);
  });

  test('output buffers that cannot take the result are EFAULT and leave state unchanged', () => {
    const p = makeProc();
    const fd = fileWith(p, '/tmp/f', 'abcdef');
    call(p, NR.lseek, fd, 0, 0);
    expect(call(p, NR.stat64, cstr(p, '/tmp/f'), RO_PAGE)).toBe(EFAULT);
    expect(call(p, NR.stat64, cstr(p, '/tmp/f'), UNMAPPED)).toBe(EFAULT);
    expect(call(p, NR.read, fd, RO_PAGE, 6)).toBe(EFAULT);
    expect(call(p, NR.lseek, fd, 0, 1)).toBe(0); // nothing was consumed
    expect(call(p, NR.write, fd, UNMAPPED, 6)).toBe(EFAULT);
    expect(call(p, NR.getcwd, RO_PAGE, 100)).toBe(EFAULT);
    expect(call(p, NR.readlink, cstr(p, '/dev/stdin'), UNMAPPED, 100)).toBe(EFAULT);
    const dir = call(p, NR.open, cstr(p, '/tmp'), O.RDONLY, 0);
    expect(call(p, NR.getdents64, dir, RO_PAGE, 4096)).toBe(EFAULT);
    expect(call(p, NR.getdents64, dir, BUF, 4096)).toBeGreaterThan(0); // the position did not move
    const before = p.fds.numbers().length;
    expect(call(p, NR.pipe2, RO_PAGE, 0)).toBe(EFAULT);
    expect(p.fds.numbers().length).toBe(before); // no descriptors leaked
  });

  test('a read larger than the buffer\'s mapping fills what is mapped and stops', () => {
    const p = makeProc();
    const z = call(p, NR.open, cstr(p, '/dev/zero'), O.RDONLY, 0);
    p.mem.writeBytes(DATA + DATA_SIZE - 8, Buffer.alloc(8, 1));
    expect(call(p, NR.read, z, DATA + DATA_SIZE - 8, 0x7fffffff)).toBe(8);
    expect(bytes(p, DATA + DATA_SIZE - 8, 8)).toEqual(Buffer.alloc(8));
    expect(call(p, NR.read, z, DATA, 0xffffffff)).toBe(DATA_SIZE);
    const fd = fileWith(p, '/tmp/w', '');
    p.mem.writeBytes(DATA + DATA_SIZE - 4, Buffer.from('tail'));
    expect(call(p, NR.write, fd, DATA + DATA_SIZE - 4, 1 << 30)).toBe(4);
  });

  test('iovec arrays: unreadable, too many, negative lengths', () => {
    const p = makeProc();
    const fd = fileWith(p, '/tmp/iov', 'data');
    expect(call(p, NR.writev, fd, UNMAPPED, 1)).toBe(EFAULT);
    expect(call(p, NR.writev, fd, BUF, 1025)).toBe(EINVAL);
    expect(call(p, NR.readv, fd, BUF, -1)).toBe(EINVAL);
    p.mem.writeBytes(BUF, Buffer.from(new Uint32Array([DATA, 0x80000000]).buffer));
    expect(call(p, NR.writev, fd, BUF, 1)).toBe(EINVAL);
    p.mem.writeBytes(BUF, Buffer.from(new Uint32Array([UNMAPPED, 4]).buffer));
    expect(call(p, NR.writev, fd, BUF, 1)).toBe(EFAULT);
  });

  test('bad descriptors and the descriptor limit', () => {
    const p = makeProc();
    expect(call(p, NR.read, 77, DATA, 1)).toBe(EBADF);
    expect(call(p, NR.close, 77)).toBe(EBADF);
    expect(call(p, NR.close, -1)).toBe(EBADF);
    expect(call(p, NR.dup2, 77, 3)).toBe(EBADF);
    expect(call(p, NR.fstat64, -5, BUF)).toBe(EBADF);
    expect(call(p, NR.openat, 77, cstr(p, 'x'), O.RDONLY, 0)).toBe(EBADF);
    const file = fileWith(p, '/tmp/nd', '');
    expect(call(p, NR.openat, file, cstr(p, 'x'), O.RDONLY, 0)).toBe(-20);
    p.rlimits[7] = [4n, 4n];
    const got: number[] = [];
    for (let i = 0; i < 5; i++) got.push(call(p, NR.dup, file));
    expect(got).toEqual([1, 2, 3, EMFILE, EMFILE]);
    expect(call(p, NR.dup2, file, 4)).toBe(EBADF);
  });
});
