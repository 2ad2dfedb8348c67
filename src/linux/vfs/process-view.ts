// What the VFS reads from a process, as one small object: identity for permission checks, the
// clock for file times, and what /proc/self shows. It reads the process live (after setuid,
// exec or a change of fds the view follows), so one view per process is enough.

import type { LinuxProcess } from '../process.js';
import type { ProcessIdentity } from './context.js';
import { type ProcessView, fromHostString } from './types.js';

/** argv/envp as /proc shows them: the guest's own memory when readable, else the start values. */
function area(p: LinuxProcess, a: { start: number; end: number }, fallback: string[]): Uint8Array {
  const len = a.end - a.start;
  if (len > 0 && p.mem.check(a.start, len, 1)) return p.mem.u8.slice(a.start, a.end);
  return new Uint8Array(Buffer.from(fallback.map((s) => `${s}\0`).join(''), 'utf8'));
}

export function processView(p: LinuxProcess): ProcessView & ProcessIdentity {
  return {
    get pid() { return p.pid; },
    get ppid() { return p.ppid; },
    get pgid() { return p.pgid; },
    get fsuid() { return p.creds.fsuid; },
    get fsgid() { return p.creds.fsgid; },
    get groups() { return p.creds.groups; },
    now: () => p.clock.now(0) ?? 0n,
    exePath: () => fromHostString(p.exePath),
    cmdline: () => area(p, p.argArea, p.argv),
    environ: () => area(p, p.envArea, p.envp),
    comm: () => p.comm,
    maps: () => p.mm.formatMaps(),
    statLine: () => {
      // proc(5) fields 1-7 and enough zeros after them for tools that count columns.
      const rest = new Array<number>(45).fill(0);
      return `${p.pid} (${p.comm}) R ${p.ppid} ${p.pgid} ${p.sid} 0 ${rest.join(' ')}\n`;
    },
    fdNumbers: () => p.fds.numbers(),
    fd: (n) => p.fds.get(n),
    randomFill: (buf) => p.random.fill(buf),
  };
}
