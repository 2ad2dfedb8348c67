// Connecting processes to a VFS: attachFs gives a process its FsContext (p.fs) with the working
// directory resolved in the guest tree, forkFs gives a child a copy of its parent's, and fsOf
// is how the file system calls find a process's context. A process that was never attached
// gets a private, empty view (an in-memory root, /tmp, /dev and /proc): no host file at all.

import { ENOTDIR } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import { buildVfs } from './build.js';
import { FsContext } from './context.js';
import { processView } from './process-view.js';
import { S_IFDIR, VfsError, fromHostString } from './types.js';
import type { Vfs } from './vfs.js';

/**
 * Gives `p` a file-system context on `vfs`, starting in guest directory `cwd` (a host string,
 * default vfs.defaultCwd). Throws an Error naming the directory when it cannot be entered.
 */
export function attachFs(p: LinuxProcess, vfs: Vfs, cwd?: string): FsContext {
  const ctx = new FsContext(vfs, processView(p));
  const path = cwd !== undefined ? fromHostString(cwd) : vfs.defaultCwd;
  try {
    const w = vfs.walk(ctx, ctx.root, ctx.root, path, true);
    if (w.loc === null || w.loc.node.type !== S_IFDIR) throw new VfsError(ENOTDIR);
    ctx.cwd = w.loc;
  } catch (e) {
    if (e instanceof VfsError) throw new Error(`cannot start in ${cwd ?? path}: no such directory in the guest's view`);
    throw e;
  }
  p.fs = ctx;
  return ctx;
}

/** fork: the child's context is a copy of the parent's (same places, its own from now on). */
export function forkFs(parent: LinuxProcess, child: LinuxProcess): void {
  child.fs = fsOf(parent).fork(processView(child));
}

/** The process's context (an empty private view if it was never attached). */
export function fsOf(p: LinuxProcess): FsContext {
  if (p.fs instanceof FsContext) return p.fs;
  const ctx = new FsContext(buildVfs({ cwd: null }), processView(p));
  p.fs = ctx;
  return ctx;
}
