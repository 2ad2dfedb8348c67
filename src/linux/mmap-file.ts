// The file side of mmap: which open file descriptions can be mapped, what /proc/self/maps shows
// for them, and copying their bytes into a fresh private mapping. The VFS's descriptions are
// duck-typed here (a `pread` method and optional path/inode details), so this module is the one
// place that knows how a mapping reads a file.

import { ENODEV } from './errno.js';
import type { FileDescription } from './fd.js';
import type { LinuxProcess } from './process.js';
import { Blocked, type SyscallResult } from './syscalls/registry.js';

/** What a mappable description offers: reads at an offset that do not move the file position. */
interface Preadable {
  pread(buf: Uint8Array, offset: number): SyscallResult;
  path?: string;
  dev?: number;
  ino?: number;
  inode?: number;
}

export interface MappingInfo {
  readonly desc: FileDescription & Preadable;
  readonly path: string;
  readonly dev: number;
  readonly inode: number;
}

/** The mapping details of a description, or null when it cannot be mapped (pipes, terminals). */
export function mappingInfo(desc: FileDescription): MappingInfo | null {
  const d = desc as FileDescription & Partial<Preadable>;
  if (typeof d.pread !== 'function') return null;
  return {
    desc: d as FileDescription & Preadable,
    path: typeof d.path === 'string' && d.path !== '' ? d.path : '[file]',
    dev: typeof d.dev === 'number' ? d.dev : 0,
    inode: typeof d.ino === 'number' ? d.ino : typeof d.inode === 'number' ? d.inode : 1,
  };
}

/**
 * Copies up to `len` bytes of the file from `offset` to guest `address` (already mapped; the
 * copy bypasses its protection, as the kernel fills pages). Bytes past the end of the file stay
 * zero. Returns 0 or -errno.
 */
export function readFileInto(p: LinuxProcess, desc: FileDescription & Preadable, address: number, len: number, offset: number): number {
  const CHUNK = 1 << 20;
  for (let done = 0; done < len;) {
    const buf = new Uint8Array(Math.min(CHUNK, len - done));
    const n = desc.pread(buf, offset + done);
    if (n instanceof Blocked) return -ENODEV; // a file that would block is not mappable
    if (n < 0) return n;
    if (n === 0) break;
    p.mem.u8.set(buf.subarray(0, n), address + done);
    done += n;
  }
  return 0;
}
