// Path calls that open or change files: open, openat, creat, mkdir(at), mknod(at) for regular
// files, rmdir, unlink(at), rename(at/at2), link(at), symlink(at), chmod/fchmodat, the chown
// family (16- and 32-bit IDs), utimensat (32- and 64-bit times), utime, utimes, truncate(64),
// chdir, fchdir, umask and chroot.

import { EINVAL, EPERM } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import { chdirTo, chmodLoc, chownLoc, locAt, truncateAt, utimensLoc, type TimeSpec } from '../vfs/ops-attr.js';
import { openAt } from '../vfs/ops-open.js';
import { linkAt, mkdirAt, removeAt, renameAt, symlinkAt } from '../vfs/ops-names.js';
import type { Loc } from '../vfs/mount.js';
import {
  AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, O_CLOEXEC, O_CREAT, O_LARGEFILE,
  O_TRUNC, O_WRONLY, S_IFMT, S_IFREG, fail,
} from '../vfs/types.js';
import { getStruct } from './structs.js';
import { defineFileCall, desc, fs, install, locOf, readPath, startAt } from './vfs-util.js';

const AT = AT_FDCWD >>> 0;

function open(p: LinuxProcess, dirfd: number, pathAddr: number, flags: number, mode: number): number {
  const path = readPath(p, pathAddr);
  const d = openAt(fs(p), startAt(p, dirfd, path), path, flags, mode);
  return install(p, d, (flags & O_CLOEXEC) !== 0);
}

defineFileCall(5, 'open', (p, a) => open(p, AT, a[0], a[1], a[2]));
defineFileCall(295, 'openat', (p, a) => open(p, a[0], a[1], a[2], a[3]));
defineFileCall(8, 'creat', (p, a) => open(p, AT, a[0], O_CREAT | O_WRONLY | O_TRUNC | O_LARGEFILE, a[1]));

/** Runs `fn` on (start, path) of an *at call. */
function at<T>(p: LinuxProcess, dirfd: number, pathAddr: number, fn: (start: Loc, path: string) => T): T {
  const path = readPath(p, pathAddr);
  return fn(startAt(p, dirfd, path), path);
}

defineFileCall(39, 'mkdir', (p, a) => at(p, AT, a[0], (s, path) => { mkdirAt(fs(p), s, path, a[1]); return 0; }));
defineFileCall(296, 'mkdirat', (p, a) => at(p, a[0], a[1], (s, path) => { mkdirAt(fs(p), s, path, a[2]); return 0; }));

/** mknod: regular files only (devices need privilege; FIFOs are not supported). */
function mknod(p: LinuxProcess, dirfd: number, pathAddr: number, mode: number): number {
  const type = mode & S_IFMT;
  if (type !== 0 && type !== S_IFREG) return -EPERM;
  return at(p, dirfd, pathAddr, (s, path) => {
    const d = openAt(fs(p), s, path, O_CREAT | 0x80 /* O_EXCL */, mode & 0o7777);
    d.refs++;
    if (--d.refs === 0) d.close();
    return 0;
  });
}
defineFileCall(14, 'mknod', (p, a) => mknod(p, AT, a[0], a[1]));
defineFileCall(297, 'mknodat', (p, a) => mknod(p, a[0], a[1], a[2]));

defineFileCall(40, 'rmdir', (p, a) => at(p, AT, a[0], (s, path) => { removeAt(fs(p), s, path, true); return 0; }));
defineFileCall(10, 'unlink', (p, a) => at(p, AT, a[0], (s, path) => { removeAt(fs(p), s, path, false); return 0; }));
defineFileCall(301, 'unlinkat', (p, a) => {
  if (a[2] & ~AT_REMOVEDIR) return -EINVAL;
  return at(p, a[0], a[1], (s, path) => { removeAt(fs(p), s, path, (a[2] & AT_REMOVEDIR) !== 0); return 0; });
});

function rename(p: LinuxProcess, oldfd: number, oldAddr: number, newfd: number, newAddr: number, flags: number): number {
  const oldPath = readPath(p, oldAddr), newPath = readPath(p, newAddr);
  renameAt(fs(p), startAt(p, oldfd, oldPath), oldPath, startAt(p, newfd, newPath), newPath, flags);
  return 0;
}
defineFileCall(38, 'rename', (p, a) => rename(p, AT, a[0], AT, a[1], 0));
defineFileCall(302, 'renameat', (p, a) => rename(p, a[0], a[1], a[2], a[3], 0));
defineFileCall(353, 'renameat2', (p, a) => rename(p, a[0], a[1], a[2], a[3], a[4]));

function link(p: LinuxProcess, oldfd: number, oldAddr: number, newfd: number, newAddr: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const oldPath = readPath(p, oldAddr), newPath = readPath(p, newAddr);
  linkAt(fs(p), startAt(p, oldfd, oldPath), oldPath, startAt(p, newfd, newPath), newPath, (flags & AT_SYMLINK_FOLLOW) !== 0);
  return 0;
}
defineFileCall(9, 'link', (p, a) => link(p, AT, a[0], AT, a[1], 0));
defineFileCall(303, 'linkat', (p, a) => link(p, a[0], a[1], a[2], a[3], a[4]));

function symlink(p: LinuxProcess, targetAddr: number, dirfd: number, pathAddr: number): number {
  const target = readPath(p, targetAddr);
  return at(p, dirfd, pathAddr, (s, path) => { symlinkAt(fs(p), target, s, path); return 0; });
}
defineFileCall(83, 'symlink', (p, a) => symlink(p, a[0], AT, a[1]));
defineFileCall(304, 'symlinkat', (p, a) => symlink(p, a[0], a[1], a[2]));

/** The location of (dirfd, path); a NULL path (utimensat) or "" with AT_EMPTY_PATH is dirfd's. */
function target(p: LinuxProcess, dirfd: number, pathAddr: number, flags: number, nullPath = false): Loc {
  if ((nullPath && pathAddr === 0) || flags & AT_EMPTY_PATH) {
    const path = pathAddr === 0 ? '' : readPath(p, pathAddr, true);
    if (path === '') {
      if ((dirfd | 0) === AT_FDCWD) return fs(p).cwd;
      return locOf(desc(p, dirfd)) ?? fail(EPERM);
    }
  }
  return at(p, dirfd, pathAddr, (s, path) => locAt(fs(p), s, path, (flags & AT_SYMLINK_NOFOLLOW) === 0));
}

defineFileCall(15, 'chmod', (p, a) => { chmodLoc(fs(p), target(p, AT, a[0], 0), a[1]); return 0; });
defineFileCall(306, 'fchmodat', (p, a) => { chmodLoc(fs(p), target(p, a[0], a[1], 0), a[2]); return 0; });
defineFileCall(94, 'fchmod', (p, a) => { chmodLoc(fs(p), locOf(desc(p, a[0])) ?? fail(EINVAL), a[1]); return 0; });

/** A 16-bit ID argument: 0xffff means "unchanged", like -1. */
const id16 = (v: number): number => ((v & 0xffff) === 0xffff ? -1 : v & 0xffff);
const id32 = (v: number): number => v | 0;

function chown(p: LinuxProcess, loc: Loc, uid: number, gid: number): number {
  chownLoc(fs(p), loc, uid, gid);
  return 0;
}
for (const [wide, nrs] of [[false, [182, 16, 95]], [true, [212, 198, 207]]] as const) {
  const id = wide ? id32 : id16;
  const sfx = wide ? '32' : '';
  defineFileCall(nrs[0], `chown${sfx}`, (p, a) => chown(p, target(p, AT, a[0], 0), id(a[1]), id(a[2])));
  defineFileCall(nrs[1], `lchown${sfx}`, (p, a) => chown(p, target(p, AT, a[0], AT_SYMLINK_NOFOLLOW), id(a[1]), id(a[2])));
  defineFileCall(nrs[2], `fchown${sfx}`, (p, a) => chown(p, locOf(desc(p, a[0])) ?? fail(EINVAL), id(a[1]), id(a[2])));
}
defineFileCall(298, 'fchownat', (p, a) => {
  if (a[4] & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  return chown(p, target(p, a[0], a[1], a[4]), id32(a[2]), id32(a[3]));
});

const UTIME_NOW = 0x3fff_ffff, UTIME_OMIT = 0x3fff_fffe;

/** utimensat's two times from guest memory (NULL: both now). */
function readTimes(p: LinuxProcess, address: number, wide: boolean): [TimeSpec, TimeSpec] {
  if (address === 0) return ['now', 'now'];
  const size = wide ? 16 : 8;
  const v = getStruct(p.mem, address, size * 2);
  const one = (off: number): TimeSpec => {
    const sec = wide ? v.getBigInt64(off, true) : BigInt(v.getInt32(off, true));
    const nsec = wide ? v.getInt32(off + 8, true) : v.getInt32(off + 4, true);
    if (nsec === UTIME_NOW) return 'now';
    if (nsec === UTIME_OMIT) return null;
    if (nsec < 0 || nsec > 999_999_999) fail(EINVAL);
    return sec * 1_000_000_000n + BigInt(nsec);
  };
  return [one(0), one(size)];
}

function utimensat(p: LinuxProcess, a: Uint32Array, wide: boolean): number {
  const flags = a[3];
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const [atime, mtime] = readTimes(p, a[2], wide);
  utimensLoc(fs(p), target(p, a[0], a[1], flags, true), atime, mtime);
  return 0;
}
defineFileCall(320, 'utimensat', (p, a) => utimensat(p, a, false));
defineFileCall(412, 'utimensat_time64', (p, a) => utimensat(p, a, true));

defineFileCall(30, 'utime', (p, a) => {
  let times: [TimeSpec, TimeSpec] = ['now', 'now'];
  if (a[1] !== 0) {
    const v = getStruct(p.mem, a[1], 8);
    times = [BigInt(v.getInt32(0, true)) * 1_000_000_000n, BigInt(v.getInt32(4, true)) * 1_000_000_000n];
  }
  utimensLoc(fs(p), target(p, AT, a[0], 0), times[0], times[1]);
  return 0;
});

defineFileCall(271, 'utimes', (p, a) => {
  let times: [TimeSpec, TimeSpec] = ['now', 'now'];
  if (a[1] !== 0) {
    const v = getStruct(p.mem, a[1], 16);
    const one = (off: number): bigint => {
      const usec = v.getInt32(off + 4, true);
      if (usec < 0 || usec > 999_999) fail(EINVAL);
      return BigInt(v.getInt32(off, true)) * 1_000_000_000n + BigInt(usec) * 1000n;
    };
    times = [one(0), one(8)];
  }
  utimensLoc(fs(p), target(p, AT, a[0], 0), times[0], times[1]);
  return 0;
});

defineFileCall(92, 'truncate', (p, a) => at(p, AT, a[0], (s, path) => { truncateAt(fs(p), s, path, a[1] | 0); return 0; }));
defineFileCall(193, 'truncate64', (p, a) => {
  const len = Number(BigInt.asIntN(64, (BigInt(a[2]) << 32n) | BigInt(a[1])));
  return at(p, AT, a[0], (s, path) => { truncateAt(fs(p), s, path, len); return 0; });
});

defineFileCall(12, 'chdir', (p, a) => { chdirTo(fs(p), target(p, AT, a[0], 0)); return 0; });
defineFileCall(133, 'fchdir', (p, a) => { chdirTo(fs(p), locOf(desc(p, a[0])) ?? fail(20 /* ENOTDIR */)); return 0; });

defineFileCall(60, 'umask', (p, a) => {
  const ctx = fs(p);
  const old = ctx.umask;
  ctx.umask = a[0] & 0o777;
  return old;
});

// Changing the root needs CAP_SYS_CHROOT, which a guest never has.
defineFileCall(61, 'chroot', (p, a) => { readPath(p, a[0]); return -EPERM; });
