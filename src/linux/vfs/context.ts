// A process's file-system context: which VFS it sees, its root and working directory, and its
// umask. It is also the Actor backends see: the process's file-system credentials, its clock,
// and the view /proc/self is made from. fork() gives the child a copy (same VFS and places,
// its own umask and cwd from then on), as Linux copies fs_struct.

import type { Loc } from './mount.js';
import type { Actor, ProcessView } from './types.js';
import type { Vfs } from './vfs.js';

/** The credentials and clock a context reads from its process. */
export interface ProcessIdentity {
  readonly fsuid: number;
  readonly fsgid: number;
  readonly groups: readonly number[];
  /** CLOCK_REALTIME in ns. */
  now(): bigint;
}

export class FsContext implements Actor {
  cwd: Loc;
  root: Loc;
  umask = 0o022;

  constructor(readonly vfs: Vfs, public proc: ProcessView & ProcessIdentity, cwd?: Loc) {
    this.root = vfs.root;
    this.cwd = cwd ?? this.root;
  }

  get fsuid(): number { return this.proc.fsuid; }
  get fsgid(): number { return this.proc.fsgid; }
  get groups(): readonly number[] { return this.proc.groups; }
  now(): bigint { return this.proc.now(); }

  /** The child's context after fork: same VFS, root and cwd, a copy of the umask. */
  fork(child: ProcessView & ProcessIdentity): FsContext {
    const c = new FsContext(this.vfs, child, this.cwd);
    c.root = this.root;
    c.umask = this.umask;
    return c;
  }
}
