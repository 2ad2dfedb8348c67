// Calls that look at files without changing them: the stat family (stat, lstat, fstat, their
// 64-bit forms, fstatat64, statx), access/faccessat/faccessat2, readlink/readlinkat, getcwd.

import { EINVAL, ERANGE } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import { accessAt, getcwd, statAt } from '../vfs/ops-attr.js';
import { readlinkAt } from '../vfs/ops-names.js';
import { AT_EMPTY_PATH, AT_EACCESS, AT_FDCWD, AT_NO_AUTOMOUNT, AT_SYMLINK_NOFOLLOW, type FileStat, fail, nameToBytes } from '../vfs/types.js';
import { STATX__RESERVED, encodeOldStat, encodeStat64, encodeStatx } from './stat-layout.js';
import { defineFileCall, desc, fs, put, readPath, startAt } from './vfs-util.js';

const AT_STATX_SYNC_TYPE = 0x6000;

/** The status of what (dirfd, path) names; an empty path with AT_EMPTY_PATH is dirfd itself. */
export function statOf(p: LinuxProcess, dirfd: number, pathAddr: number, flags: number): FileStat {
  const path = pathAddr === 0 && flags & AT_EMPTY_PATH ? '' : readPath(p, pathAddr, (flags & AT_EMPTY_PATH) !== 0);
  if (path === '') {
    if ((dirfd | 0) === AT_FDCWD) return fs(p).vfs.stat(fs(p).cwd, fs(p));
    const d = desc(p, dirfd);
    return d.stat !== undefined ? d.stat() : fail(EINVAL);
  }
  return statAt(fs(p), startAt(p, dirfd, path), path, (flags & AT_SYMLINK_NOFOLLOW) === 0);
}

function fstatOf(p: LinuxProcess, fd: number): FileStat {
  const d = desc(p, fd);
  return d.stat !== undefined ? d.stat() : fail(EINVAL);
}

const AT = AT_FDCWD >>> 0;
defineFileCall(106, 'stat', (p, a) => { put(p, a[1], encodeOldStat(statOf(p, AT, a[0], 0))); return 0; });
defineFileCall(107, 'lstat', (p, a) => { put(p, a[1], encodeOldStat(statOf(p, AT, a[0], AT_SYMLINK_NOFOLLOW))); return 0; });
defineFileCall(108, 'fstat', (p, a) => { put(p, a[1], encodeOldStat(fstatOf(p, a[0]))); return 0; });
defineFileCall(195, 'stat64', (p, a) => { put(p, a[1], encodeStat64(statOf(p, AT, a[0], 0))); return 0; });
defineFileCall(196, 'lstat64', (p, a) => { put(p, a[1], encodeStat64(statOf(p, AT, a[0], AT_SYMLINK_NOFOLLOW))); return 0; });
defineFileCall(197, 'fstat64', (p, a) => { put(p, a[1], encodeStat64(fstatOf(p, a[0]))); return 0; });

defineFileCall(300, 'fstatat64', (p, a) => {
  const flags = a[3];
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) return -EINVAL;
  put(p, a[2], encodeStat64(statOf(p, a[0], a[1], flags)));
  return 0;
});

defineFileCall(383, 'statx', (p, a) => {
  const flags = a[2], mask = a[3];
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) return -EINVAL;
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE || mask & STATX__RESERVED) return -EINVAL;
  put(p, a[4], encodeStatx(statOf(p, a[0], a[1], flags)));
  return 0;
});

function access(p: LinuxProcess, dirfd: number, pathAddr: number, mode: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH)) return -EINVAL;
  if (mode & ~7) return -EINVAL;
  const path = readPath(p, pathAddr, (flags & AT_EMPTY_PATH) !== 0);
  // AT_EMPTY_PATH with "": the descriptor exists, which is all F_OK asks.
  if (path === '') { startAt(p, dirfd, path); return 0; }
  accessAt(fs(p), startAt(p, dirfd, path), path, mode, (flags & AT_SYMLINK_NOFOLLOW) === 0);
  return 0;
}

defineFileCall(33, 'access', (p, a) => access(p, AT, a[0], a[1], 0));
// The faccessat system call has no flags argument (the C library's flags are its own business).
defineFileCall(307, 'faccessat', (p, a) => access(p, a[0], a[1], a[2], 0));
defineFileCall(439, 'faccessat2', (p, a) => access(p, a[0], a[1], a[2], a[3]));

function readlink(p: LinuxProcess, dirfd: number, pathAddr: number, buf: number, size: number): number {
  if ((size | 0) <= 0) return -EINVAL;
  const path = readPath(p, pathAddr);
  const text = nameToBytes(readlinkAt(fs(p), startAt(p, dirfd, path), path));
  const n = Math.min(text.length, size);
  put(p, buf, text.subarray(0, n));
  return n;
}

defineFileCall(85, 'readlink', (p, a) => readlink(p, AT, a[0], a[1], a[2]));
defineFileCall(305, 'readlinkat', (p, a) => readlink(p, a[0], a[1], a[2], a[3]));

defineFileCall(183, 'getcwd', (p, a) => {
  const path = nameToBytes(getcwd(fs(p)));
  if (a[1] < path.length + 1) return -ERANGE;
  const out = new Uint8Array(path.length + 1);
  out.set(path);
  put(p, a[0], out);
  return out.length;
});
