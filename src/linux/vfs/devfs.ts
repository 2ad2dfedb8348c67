// /dev: the character devices a guest gets (null, zero, full, random, urandom, and tty, which
// opens only when the host has a terminal) and the links Linux's udev makes (stdin, stdout, stderr, fd ->
// /proc/self/fd). /dev/random and /dev/urandom read from the opening process's random source,
// so a seeded run reads the same bytes every time.

import { ENOSPC, ENXIO } from '../errno.js';
import type { SyscallResult } from '../syscalls/registry.js';
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, VfsDescription } from './description.js';
import { type HostStdio, ttyDescription } from './stdio.js';
import { SynthFs, type SynthNode } from './synthfs.js';
import { type Actor, S_IFCHR, S_IFDIR, S_IFLNK, fail } from './types.js';

type DeviceKind = 'null' | 'zero' | 'full' | 'random';

/** The memory devices (major 1): reads and writes need no state but the opener's randomness. */
export class DeviceDesc extends VfsDescription {
  constructor(flags: number, private readonly kind: DeviceKind, private readonly actor: Actor) {
    super(flags);
  }

  override read(buf: Uint8Array): SyscallResult {
    if (this.kind === 'null') return 0;
    if (this.kind === 'random') this.actor.proc.randomFill(buf);
    else buf.fill(0);
    return buf.length;
  }

  override write(data: Uint8Array): SyscallResult {
    return this.kind === 'full' ? -ENOSPC : data.length;
  }

  pread(buf: Uint8Array): SyscallResult { return this.read(buf); }
  pwrite(data: Uint8Array): SyscallResult { return this.write(data); }
  // Seeking a memory device is allowed and always lands at 0, as on Linux.
  override seek(): number { return 0; }
  override poll(): number { return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM; }
}

export function makeDevfs(tty: HostStdio['tty'], created: bigint): SynthFs {
  let entries: Map<string, SynthNode> | null = null;
  const fs = new SynthFs('devtmpfs', () => entries!, created);
  const dev = (ino: number, minor: number, kind: DeviceKind): SynthNode =>
    fs.node(ino, S_IFCHR, 0o666, { rdev: [1, minor], openDevice: (f, a) => new DeviceDesc(f, kind, a) });
  const link = (ino: number, target: string): SynthNode => fs.node(ino, S_IFLNK, 0o777, { target: () => target });
  entries = new Map<string, SynthNode>([
    ['null', dev(3, 3, 'null')],
    ['zero', dev(4, 5, 'zero')],
    ['full', dev(5, 7, 'full')],
    ['random', dev(6, 8, 'random')],
    ['urandom', dev(7, 9, 'random')],
    ['stdin', link(8, '/proc/self/fd/0')],
    ['stdout', link(9, '/proc/self/fd/1')],
    ['stderr', link(10, '/proc/self/fd/2')],
    ['fd', link(11, '/proc/self/fd')],
    ['shm', fs.node(12, S_IFDIR, 0o555, { children: () => new Map() })],
  ]);
  // Without a host terminal the node still exists; opening it is ENXIO (no controlling terminal).
  entries.set('tty', fs.node(13, S_IFCHR, 0o666, { rdev: [5, 0], openDevice: (f) => (tty !== null ? ttyDescription(tty, f) : fail(ENXIO)) }));
  return fs;
}
