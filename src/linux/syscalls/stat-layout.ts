// The i386 layouts of what the file calls return, from the kernel's uapi headers:
// struct stat64 (96 bytes, arch/x86/include/uapi/asm/stat.h: 64-bit st_dev and st_rdev each
// followed by 4 pad bytes, a 32-bit __st_ino, 64-bit st_size and st_blocks at 4-byte alignment,
// 32-bit seconds and nanoseconds, the full 64-bit st_ino last), the old struct stat (64 bytes,
// 16-bit mode/nlink/uid/gid; EOVERFLOW when a value does not fit), struct statx (256 bytes,
// include/uapi/linux/stat.h), and the directory records of getdents64 (linux_dirent64: 8-byte
// aligned) and getdents (linux_dirent: 4-byte aligned, d_type in the record's last byte).

import { EOVERFLOW } from '../errno.js';
import { type DirEntry, type FileStat, fail } from '../vfs/types.js';

const NS = 1_000_000_000n;

/** Linux's userspace dev_t encoding (new_encode_dev): minor low byte, major, then minor's rest. */
export const encodeDev = (major: number, minor: number): number =>
  ((minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12)) >>> 0;

/** [seconds, nanoseconds] of a time in ns, with the seconds floored (before 1970 too). */
export function splitTime(ns: bigint): [bigint, number] {
  let sec = ns / NS;
  let nsec = ns % NS;
  if (nsec < 0n) { sec -= 1n; nsec += NS; }
  return [sec, Number(nsec)];
}

const u32 = (v: bigint): number => Number(BigInt.asUintN(32, v));

export const STAT64_SIZE = 96;

export function encodeStat64(s: FileStat): Uint8Array {
  const b = new Uint8Array(STAT64_SIZE);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(encodeDev(s.devMajor, s.devMinor)), true);
  v.setUint32(12, s.ino >>> 0, true);
  v.setUint32(16, s.mode, true);
  v.setUint32(20, s.nlink, true);
  v.setUint32(24, s.uid >>> 0, true);
  v.setUint32(28, s.gid >>> 0, true);
  v.setBigUint64(32, BigInt(encodeDev(s.rdevMajor, s.rdevMinor)), true);
  v.setBigInt64(44, BigInt(s.size), true);
  v.setUint32(52, s.blksize, true);
  v.setBigUint64(56, BigInt(s.blocks), true);
  const times = [s.atimeNs, s.mtimeNs, s.ctimeNs];
  times.forEach((t, i) => {
    const [sec, nsec] = splitTime(t);
    v.setUint32(64 + i * 8, u32(sec), true);
    v.setUint32(68 + i * 8, nsec, true);
  });
  v.setBigUint64(88, BigInt(s.ino), true);
  return b;
}

export const STAT_SIZE = 64;
const OVERFLOW_ID = 65534;

/** The old (non-LFS) struct stat: EOVERFLOW for a size, inode or link count that does not fit. */
export function encodeOldStat(s: FileStat): Uint8Array {
  if (s.devMajor > 255 || s.devMinor > 255 || s.rdevMajor > 255 || s.rdevMinor > 255) fail(EOVERFLOW);
  if (s.ino > 0xffff_ffff || s.nlink > 0xffff || s.size > 0x7fff_ffff) fail(EOVERFLOW);
  const b = new Uint8Array(STAT_SIZE);
  const v = new DataView(b.buffer);
  const id16 = (id: number): number => (id > 0xffff ? OVERFLOW_ID : id);
  v.setUint32(0, encodeDev(s.devMajor, s.devMinor), true);
  v.setUint32(4, s.ino, true);
  v.setUint16(8, s.mode, true);
  v.setUint16(10, s.nlink, true);
  v.setUint16(12, id16(s.uid), true);
  v.setUint16(14, id16(s.gid), true);
  v.setUint32(16, encodeDev(s.rdevMajor, s.rdevMinor), true);
  v.setUint32(20, s.size, true);
  v.setUint32(24, s.blksize, true);
  v.setUint32(28, s.blocks >>> 0, true);
  [s.atimeNs, s.mtimeNs, s.ctimeNs].forEach((t, i) => {
    const [sec, nsec] = splitTime(t);
    v.setUint32(32 + i * 8, u32(sec), true);
    v.setUint32(36 + i * 8, nsec, true);
  });
  return b;
}

export const STATX_SIZE = 256;
export const STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800, STATX__RESERVED = 0x8000_0000;

export function encodeStatx(s: FileStat): Uint8Array {
  const b = new Uint8Array(STATX_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0x00, STATX_BASIC_STATS | (s.btimeNs !== null ? STATX_BTIME : 0), true);
  v.setUint32(0x04, s.blksize, true);
  v.setUint32(0x10, s.nlink, true);
  v.setUint32(0x14, s.uid >>> 0, true);
  v.setUint32(0x18, s.gid >>> 0, true);
  v.setUint16(0x1c, s.mode, true);
  v.setBigUint64(0x20, BigInt(s.ino), true);
  v.setBigUint64(0x28, BigInt(s.size), true);
  v.setBigUint64(0x30, BigInt(s.blocks), true);
  const ts = (off: number, t: bigint): void => {
    const [sec, nsec] = splitTime(t);
    v.setBigInt64(off, sec, true);
    v.setUint32(off + 8, nsec, true);
  };
  ts(0x40, s.atimeNs);
  if (s.btimeNs !== null) ts(0x50, s.btimeNs);
  ts(0x60, s.ctimeNs);
  ts(0x70, s.mtimeNs);
  v.setUint32(0x80, s.rdevMajor, true);
  v.setUint32(0x84, s.rdevMinor, true);
  v.setUint32(0x88, s.devMajor, true);
  v.setUint32(0x8c, s.devMinor, true);
  return b;
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/** One linux_dirent64: ino, offset of the next entry, record length, type, name, NUL. */
export function encodeDirent64(e: DirEntry, nextOff: number): Uint8Array {
  const name = Buffer.from(e.name, 'latin1');
  const reclen = align(19 + name.length + 1, 8);
  const b = new Uint8Array(reclen);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(e.ino), true);
  v.setBigInt64(8, BigInt(nextOff), true);
  v.setUint16(16, reclen, true);
  b[18] = e.type;
  b.set(name, 19);
  return b;
}

/** One old linux_dirent: 32-bit ino and offset (EOVERFLOW beyond), d_type in the last byte. */
export function encodeDirent(e: DirEntry, nextOff: number): Uint8Array {
  if (e.ino > 0xffff_ffff || nextOff > 0xffff_ffff) fail(EOVERFLOW);
  const name = Buffer.from(e.name, 'latin1');
  const reclen = align(10 + name.length + 2, 4);
  const b = new Uint8Array(reclen);
  const v = new DataView(b.buffer);
  v.setUint32(0, e.ino, true);
  v.setUint32(4, nextOff, true);
  v.setUint16(8, reclen, true);
  b.set(name, 10);
  b[reclen - 1] = e.type;
  return b;
}
