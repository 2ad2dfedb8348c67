// What the guest of `vxts run` sees of files: the host's current directory read-write at its own
// path, each --mount, /tmp, /dev and /proc (src/linux/vfs builds that view), the starting
// directory, and the host's stdin, stdout and stderr as descriptors 0, 1 and 2. Problems with
// mounts or the starting directory are one-line UsageErrors, reported before anything runs.

import { relative, isAbsolute, resolve, sep, posix } from 'node:path';
import type { LinuxProcess } from '../linux/process.js';
import { attachFs, buildVfs, hostStdio, installStdio, MountError, type HostStdio, type Vfs } from '../linux/vfs/index.js';
import { UsageError } from './command.js';
import type { Mount, RunCommandOptions } from './run-options.js';

export interface GuestFiles {
  /** The guest path of a host file (inside a mount), or its absolute host path otherwise. */
  guestPath(hostPath: string): string;
  /** Gives the process its file-system context (starting directory) and descriptors 0-2. */
  attach(p: LinuxProcess): void;
  /** Stops reading the host's stdin once the guest is done. */
  dispose(): void;
}

const toPosix = (p: string): string => p.split(sep).join('/');

export function prepareFiles(o: RunCommandOptions): GuestFiles {
  const hostCwd = process.cwd();
  const mounts: Mount[] = [{ host: hostCwd, guest: toPosix(hostCwd), readOnly: false }, ...o.mounts.map((m) => ({ ...m, host: resolve(m.host) }))];

  const stdio: HostStdio = hostStdio({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  let vfs: Vfs;
  try {
    vfs = buildVfs({ cwd: hostCwd, mounts: o.mounts, tty: stdio.tty });
  } catch (e) {
    stdio.dispose();
    if (e instanceof MountError) throw new UsageError(`--mount: ${e.message}`);
    throw e;
  }

  const guestPath = (hostPath: string): string => {
    const abs = resolve(hostPath);
    // The mount that holds the file most specifically wins (later mounts over earlier ones).
    let best: { m: Mount; rel: string } | undefined;
    for (const m of mounts) {
      const rel = relative(m.host, abs);
      if (rel.startsWith('..') || isAbsolute(rel)) continue;
      if (best === undefined || m.host.length >= best.m.host.length) best = { m, rel };
    }
    return best === undefined ? toPosix(abs) : posix.join(best.m.guest, toPosix(best.rel));
  };

  return {
    guestPath,
    attach(p: LinuxProcess): void {
      try {
        attachFs(p, vfs, o.cwd);
      } catch (e) {
        throw new UsageError(`--cwd: ${(e as Error).message}; give a directory the guest can see (a mount)`);
      }
      installStdio(p.fds, stdio);
    },
    dispose: () => stdio.dispose(),
  };
}
