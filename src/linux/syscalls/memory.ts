// Memory management calls: brk, mmap2 and the old mmap (arguments in a block in memory),
// munmap, mremap, mprotect, madvise and the no-op locking calls. Anonymous mappings and private
// file mappings are supported; a file mapping is a copy of the file's bytes made at mmap time,
// which is exactly what a private mapping shows until the file changes underneath it.

import { EACCES, EBADF, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM, EPERM } from '../errno.js';
import { isAnonymous, PROT_EXEC, PROT_READ, PROT_WRITE, type VmaInit } from '../mm.js';
import type { LinuxProcess } from '../process.js';
import { PAGE_SIZE } from '../../memory/arena.js';
import { readFileInto, mappingInfo } from '../mmap-file.js';
import { defineSyscall, type SyscallResult } from './registry.js';
import { getStruct } from './structs.js';

export const MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_SHARED_VALIDATE = 0x03, MAP_TYPE = 0x0f, MAP_FIXED = 0x10,
  MAP_ANONYMOUS = 0x20, MAP_GROWSDOWN = 0x100, MAP_FIXED_NOREPLACE = 0x100000;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;
const PROT_GROWSDOWN = 0x0100_0000, PROT_GROWSUP = 0x0200_0000;
const MADV_DONTNEED = 4;
const O_ACCMODE = 3, O_WRONLY = 1, O_RDWR = 2;

const pageUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
const aligned = (a: number): boolean => a % PAGE_SIZE === 0;

defineSyscall(45, 'brk', (p, a) => p.mm.setBrk(a[0]));

/** The common body of mmap2 and old mmap; `offset` is in bytes. */
export function doMmap(p: LinuxProcess, addr: number, len: number, prot: number, flags: number, fd: number, offset: number): SyscallResult {
  if (len === 0) return -EINVAL;
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
  const size = pageUp(len);
  if (size > p.mem.size) return -ENOMEM;
  const anon = (flags & MAP_ANONYMOUS) !== 0;
  const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
  if (!anon && !aligned(offset)) return -EINVAL;

  let file: ReturnType<typeof mappingInfo> | null = null;
  if (!anon) {
    const desc = p.fds.get(fd);
    if (desc === undefined) return -EBADF;
    if ((desc.flags & O_ACCMODE) === O_WRONLY) return -EACCES;
    if (type !== MAP_PRIVATE && prot & PROT_WRITE) {
      if ((desc.flags & O_ACCMODE) !== O_RDWR) return -EACCES;
      // Writes through a shared mapping would have to reach the file: not supported.
      return -ENODEV;
    }
    file = mappingInfo(desc);
    if (file === null) return -ENODEV;
  }

  let start: number;
  if (fixed) {
    if (!aligned(addr)) return -EINVAL;
    if (addr < p.mm.layout.minAddress) return -EPERM;
    if (addr + size > p.mem.size) return -ENOMEM;
    if (flags & MAP_FIXED_NOREPLACE && !(flags & MAP_FIXED) && !p.mm.isFree(addr, addr + size)) return -EEXIST;
    start = addr;
  } else {
    start = p.mm.findFree(size, addr - (addr % PAGE_SIZE));
    if (start < 0) return -ENOMEM;
  }

  p.mm.map(start, start + size, {
    prot: prot & 7, shared: type !== MAP_PRIVATE, label: file?.path ?? '', offset: anon ? 0 : offset,
    dev: file?.dev ?? 0, inode: file?.inode ?? 0,
  });
  if (!anon && file !== null) {
    const r = readFileInto(p, file.desc, start, len, offset);
    if (r < 0) {
      p.mm.unmap(start, start + size);
      return r;
    }
  }
  return start;
}

defineSyscall(192, 'mmap2', (p, a) => doMmap(p, a[0], a[1], a[2], a[3], a[4] | 0, a[5] * PAGE_SIZE));

defineSyscall(90, 'mmap', (p, a) => {
  // struct mmap_arg_struct: addr, len, prot, flags, fd, offset (bytes).
  const v = getStruct(p.mem, a[0], 24);
  const w = (i: number): number => v.getUint32(i * 4, true);
  if (!aligned(w(5))) return -EINVAL;
  return doMmap(p, w(0), w(1), w(2), w(3), w(4) | 0, w(5));
});

defineSyscall(91, 'munmap', (p, a) => {
  const [addr, len] = [a[0], a[1]];
  if (!aligned(addr) || len === 0 || addr + len > p.mem.size) return -EINVAL;
  p.mm.unmap(addr, addr + pageUp(len));
  return 0;
});

defineSyscall(125, 'mprotect', (p, a) => {
  const [addr, len, prot] = [a[0], a[1], a[2]];
  if (!aligned(addr)) return -EINVAL;
  if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
  if (len === 0) return 0;
  const end = addr + pageUp(len);
  if (end > p.mem.size) return -ENOMEM;
  return p.mm.protect(addr, end, prot & 7) ? 0 : -ENOMEM;
});

defineSyscall(163, 'mremap', (p, a) => {
  const [old, oldLen, newLen, flags, newAddr] = [a[0], pageUp(a[1]), pageUp(a[2]), a[3], a[4]];
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) return -EINVAL;
  if (!aligned(old) || newLen === 0) return -EINVAL;
  if (flags & MREMAP_FIXED && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
  if (flags & MREMAP_DONTUNMAP) return -EINVAL; // only for private anonymous moves; not needed yet
  const vma = p.mm.find(old);
  // The old range must lie inside one mapping (old_len 0, duplicating a shared mapping, is not supported).
  if (oldLen === 0) return -EINVAL;
  if (vma === undefined || old + oldLen > vma.end) return -EFAULT;
  const init: VmaInit = { prot: vma.prot, shared: vma.shared, label: vma.label, dev: vma.dev, inode: vma.inode, offset: vma.offset + (old - vma.start) };

  if (flags & MREMAP_FIXED) {
    if (!aligned(newAddr) || newAddr + newLen > p.mem.size) return -EINVAL;
    if (newAddr < old + oldLen && old < newAddr + newLen) return -EINVAL;
    return move(p, old, oldLen, newAddr, newLen, init);
  }
  if (newLen <= oldLen) {
    if (newLen < oldLen) p.mm.unmap(old + newLen, old + oldLen);
    return old;
  }
  if (old + newLen <= p.mem.size && p.mm.isFree(old + oldLen, old + newLen)) {
    // Grow in place: the new tail is fresh zero pages (a file mapping's tail past the copy too).
    p.mm.map(old + oldLen, old + newLen, { ...init, offset: (init.offset ?? 0) + oldLen });
    return old;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
  const to = p.mm.findFree(newLen);
  if (to < 0) return -ENOMEM;
  return move(p, old, oldLen, to, newLen, init);
});

function move(p: LinuxProcess, old: number, oldLen: number, to: number, newLen: number, init: VmaInit): number {
  // Copy out first: the new range may be made by unmapping something the copy needs.
  const keep = p.mem.u8.slice(old, old + Math.min(oldLen, newLen));
  p.mm.map(to, to + newLen, init);
  p.mem.u8.set(keep, to);
  p.mm.unmap(old, old + oldLen);
  return to;
}

defineSyscall(219, 'madvise', (p, a) => {
  const [addr, len, advice] = [a[0], pageUp(a[1]), a[2]];
  if (!aligned(addr)) return -EINVAL;
  if (addr + len > p.mem.size) return -ENOMEM;
  if (advice === MADV_DONTNEED) {
    // Private anonymous pages read back as zeros after MADV_DONTNEED; programs rely on it.
    for (const v of p.mm.mappings) {
      const s = Math.max(v.start, addr), e = Math.min(v.end, addr + len);
      if (s < e && !v.shared && isAnonymous(v) && v.prot & PROT_WRITE) p.mem.u8.fill(0, s, e);
    }
  }
  return 0;
});

// Memory locking has no meaning in the arena: accept, as Linux does within RLIMIT_MEMLOCK.
defineSyscall(150, 'mlock', () => 0);
defineSyscall(151, 'munlock', () => 0);
defineSyscall(152, 'mlockall', () => 0);
defineSyscall(153, 'munlockall', () => 0);
defineSyscall(144, 'msync', (_p, a) => (aligned(a[0]) ? 0 : -EINVAL));
