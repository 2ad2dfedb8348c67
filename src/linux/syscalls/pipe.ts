// pipe and pipe2: a new pipe's two ends installed at the lowest free descriptors, their numbers
// written to the guest's int[2]. A fault writing them closes both again (the guest never saw
// them), as Linux does.

import { EINVAL } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import { makePipe } from '../vfs/pipe.js';
import { O_CLOEXEC, O_DIRECT, O_NONBLOCK } from '../vfs/types.js';
import { putStruct } from './structs.js';
import { defineFileCall, fs, install } from './vfs-util.js';

function pipe(p: LinuxProcess, address: number, flags: number): number {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -EINVAL;
  const ctx = fs(p);
  const [r, w] = makePipe(flags & O_NONBLOCK, ctx.fsuid, ctx.fsgid, ctx.now());
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const rfd = install(p, r, cloexec);
  if (rfd < 0) { w.close(); return rfd; }
  const wfd = install(p, w, cloexec);
  if (wfd < 0) { p.fds.close(rfd); return wfd; }
  try {
    putStruct(p.mem, address, 8, (v) => { v.setInt32(0, rfd, true); v.setInt32(4, wfd, true); });
  } catch (e) {
    p.fds.close(rfd);
    p.fds.close(wfd);
    throw e;
  }
  return 0;
}

defineFileCall(42, 'pipe', (p, a) => pipe(p, a[0], 0));
defineFileCall(331, 'pipe2', (p, a) => pipe(p, a[0], a[1]));
