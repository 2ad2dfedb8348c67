// Copying small C structures between the host and guest memory for system calls. A structure is
// built in a host buffer and copied in one checked writeBytes (so a bad pointer faults before
// any byte changes), or copied out in one checked readBytes. Layouts are the i386 ABI's: long
// and pointers are 4 bytes, the *_time64 variants use 8-byte seconds and nanoseconds.

import type { Arena } from '../../memory/arena.js';

/** Builds a structure of `size` bytes with `fill` and copies it to guest `address`. */
export function putStruct(mem: Arena, address: number, size: number, fill: (v: DataView) => void): void {
  const bytes = new Uint8Array(size);
  fill(new DataView(bytes.buffer));
  mem.writeBytes(address, bytes);
}

/** Copies `size` bytes from guest `address` and returns a view of the copy. */
export function getStruct(mem: Arena, address: number, size: number): DataView {
  const bytes = mem.readBytes(address, size);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const NS = 1_000_000_000n;

/** struct timespec (old_timespec32: two 32-bit longs) or __kernel_timespec (two 64-bit fields). */
export function putTimespec(mem: Arena, address: number, ns: bigint, wide: boolean): void {
  const sec = ns / NS, nsec = ns % NS;
  if (wide) putStruct(mem, address, 16, (v) => { v.setBigInt64(0, sec, true); v.setBigInt64(8, nsec, true); });
  else putStruct(mem, address, 8, (v) => { v.setInt32(0, Number(BigInt.asIntN(32, sec)), true); v.setInt32(4, Number(nsec), true); });
}

/** A guest timespec as [seconds, nanoseconds] (not yet validated). */
export function getTimespec(mem: Arena, address: number, wide: boolean): [bigint, bigint] {
  if (wide) {
    const v = getStruct(mem, address, 16);
    // The 64-bit ABI's tv_nsec is a long long, but a 32-bit task's upper half is ignored by Linux.
    return [v.getBigInt64(0, true), BigInt(v.getInt32(8, true))];
  }
  const v = getStruct(mem, address, 8);
  return [BigInt(v.getInt32(0, true)), BigInt(v.getInt32(4, true))];
}

/** A validated timespec in ns, or null when tv_nsec is outside [0, 1e9) or tv_sec < 0 (EINVAL). */
export function timespecNs(ts: [bigint, bigint]): bigint | null {
  const [sec, nsec] = ts;
  if (sec < 0n || nsec < 0n || nsec >= NS) return null;
  return sec * NS + nsec;
}

/** struct timeval of 32-bit longs (seconds, microseconds). */
export function putTimeval(mem: Arena, address: number, ns: bigint): void {
  putStruct(mem, address, 8, (v) => {
    v.setInt32(0, Number(BigInt.asIntN(32, ns / NS)), true);
    v.setInt32(4, Number((ns % NS) / 1000n), true);
  });
}
