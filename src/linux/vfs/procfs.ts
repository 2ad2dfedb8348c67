// /proc, as the calling process sees it: /proc/self (a link to /proc/<pid>) and its own
// /proc/<pid> with exe (a link to the program's guest path), fd/ (one magic link per open
// descriptor: readlink gives its text, opening it reopens the description), maps, cmdline,
// environ, comm, stat and status. Other processes' directories are not shown. Everything comes
// from the ProcessView the process provides, at the moment it is read.

import type { FileDescription } from '../fd.js';
import { SynthFs, type SynthNode } from './synthfs.js';
import { type Actor, S_IFDIR, S_IFLNK, S_IFREG, fromHostString } from './types.js';

const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** Inode numbers: /proc/<pid>/* in a block per pid, fd links in a block above. */
const pidBase = (pid: number): number => 0x1000 + pid * 0x20;
const fdIno = (pid: number, fd: number): number => 0x4000_0000 + pid * 0x1_0000 + fd;

function status(a: Actor): string {
  const v = a.proc;
  return [
    `Name:\t${v.comm()}`, 'Umask:\t0022', 'State:\tR (running)', `Tgid:\t${v.pid}`, `Pid:\t${v.pid}`, `PPid:\t${v.ppid}`,
    `Uid:\t${a.fsuid}\t${a.fsuid}\t${a.fsuid}\t${a.fsuid}`, `Gid:\t${a.fsgid}\t${a.fsgid}\t${a.fsgid}\t${a.fsgid}`,
    `Groups:\t${a.groups.join(' ')} `, 'Threads:\t1', '',
  ].join('\n');
}

export function makeProcfs(created: bigint): SynthFs {
  let fs: SynthFs;
  const owner = (a: Actor): number => a.fsuid;

  const fdLink = (pid: number, fd: number, desc: FileDescription): SynthNode => fs.node(fdIno(pid, fd), S_IFLNK, 0o700, {
    owner,
    target: () => fromHostString(desc.procLink?.() ?? 'anon_inode:[unknown]'),
    magic: (a) => a.proc.fd(fd) ?? null,
  });

  const fdDir = (pid: number): SynthNode => fs.node(pidBase(pid) + 2, S_IFDIR, 0o500, {
    owner,
    children: (a) => {
      const m = new Map<string, SynthNode>();
      for (const fd of a.proc.fdNumbers()) {
        const d = a.proc.fd(fd);
        if (d !== undefined) m.set(String(fd), fdLink(pid, fd, d));
      }
      return m;
    },
  });

  const file = (ino: number, content: (a: Actor) => Uint8Array, perm = 0o444): SynthNode =>
    fs.node(ino, S_IFREG, perm, { owner, content });

  const pidDir = (pid: number): SynthNode => {
    const base = pidBase(pid);
    const kids = new Map<string, SynthNode>([
      ['exe', fs.node(base + 1, S_IFLNK, 0o777, { owner, target: (a) => a.proc.exePath() })],
      ['fd', fdDir(pid)],
      ['maps', file(base + 3, (a) => text(a.proc.maps()))],
      ['cmdline', file(base + 4, (a) => a.proc.cmdline())],
      ['environ', file(base + 5, (a) => a.proc.environ(), 0o400)],
      ['comm', file(base + 6, (a) => text(`${a.proc.comm()}\n`), 0o644)],
      ['stat', file(base + 7, (a) => text(a.proc.statLine()))],
      ['status', file(base + 8, (a) => text(status(a)))],
    ]);
    return fs.node(base, S_IFDIR, 0o555, { owner, children: () => kids });
  };

  fs = new SynthFs('proc', (a) => {
    const pid = a.proc.pid;
    return new Map<string, SynthNode>([
      ['self', fs.node(2, S_IFLNK, 0o777, { target: () => String(pid) })],
      [String(pid), pidDir(pid)],
    ]);
  }, created);
  return fs;
}
