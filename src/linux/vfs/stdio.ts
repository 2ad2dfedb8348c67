// The guest's standard streams and terminal: descriptions over the host streams of
// host-streams.ts, the terminal state that TCGETS/TCSETS and TIOCGWINSZ report (kept per
// terminal, so a program that sets raw mode reads back what it set), and hostStdio(), which
// the CLI or the embedding API calls to wire a process's fds 0, 1 and 2.

import { EAGAIN, EBADF, EPIPE } from '../errno.js';
import type { FdTable, FileDescription } from '../fd.js';
import { Blocked, type SyscallResult } from '../syscalls/registry.js';
import { POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, VfsDescription } from './description.js';
import { type ByteSink, type ByteSource, HostInput, HostOutput } from './host-streams.js';
import { type FileStat, O_RDONLY, O_WRONLY, S_IFCHR, S_IFIFO } from './types.js';
import type { WaitQueue } from './waitq.js';

/** struct termios of the i386 kernel ABI: four tcflag_t, c_line, c_cc[19]. */
export const TERMIOS_SIZE = 36;

/** A terminal's settings: a fresh Linux pty's (cooked mode, UTF-8, ^C ^\ ^? ^U ^D ...). */
export class Terminal {
  readonly termios = new Uint8Array(TERMIOS_SIZE);
  /** Set by TIOCSWINSZ; otherwise the host sink's size is reported. */
  winsize: [number, number] | null = null;
  foreground = 0;

  constructor(readonly output: HostOutput | null) {
    const v = new DataView(this.termios.buffer);
    v.setUint32(0, 0x4500, true); // c_iflag: ICRNL IXON IUTF8
    v.setUint32(4, 0x0005, true); // c_oflag: OPOST ONLCR
    v.setUint32(8, 0x00bf, true); // c_cflag: B38400 CS8 CREAD
    v.setUint32(12, 0x8a3b, true); // c_lflag: ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN
    // c_cc after c_line: VINTR VQUIT VERASE VKILL VEOF VTIME VMIN VSWTC VSTART VSTOP VSUSP VEOL
    // VREPRINT VDISCARD VWERASE VLNEXT VEOL2.
    this.termios.set([3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0], 17);
  }

  size(): [number, number] {
    return this.winsize ?? this.output?.winsize() ?? [80, 24];
  }
}

let nextStreamIno = 3;

/** A host stream as a description: readable, writable, or both (a terminal). */
export class StreamDesc extends VfsDescription {
  readonly ino = nextStreamIno++;

  constructor(flags: number, readonly input: HostInput | null, readonly output: HostOutput | null,
    readonly terminal: Terminal | null, private readonly label: string) {
    super(flags);
  }

  override read(buf: Uint8Array): SyscallResult {
    if (this.input === null) return -EBADF;
    const n = this.input.take(buf);
    if (n !== null) return n;
    return this.nonBlocking ? -EAGAIN : new Blocked(this.input.queue.wait());
  }

  override write(data: Uint8Array): SyscallResult {
    if (this.output === null) return -EBADF;
    if (data.length === 0) return 0;
    const r = this.output.write(data);
    if (r === true) return data.length;
    if (r === false) return -EPIPE;
    return this.nonBlocking ? -EAGAIN : new Blocked(r);
  }

  override poll(): number {
    return (this.input?.ready() ? POLLIN | POLLRDNORM : 0) | (this.output !== null ? POLLOUT | POLLWRNORM : 0);
  }

  override pollQueues(): WaitQueue[] { return this.input !== null ? [this.input.queue] : []; }
  readable(): number { return this.input?.available() ?? 0; }
  override procLink(): string { return this.terminal !== null ? '/dev/pts/0' : `pipe:[${this.ino}]`; }
  reopen(flags: number): FileDescription { return new StreamDesc(flags, this.input, this.output, this.terminal, this.label); }

  override stat(): FileStat {
    const tty = this.terminal !== null;
    return {
      devMajor: 0, devMinor: tty ? 24 : 13, ino: this.ino, mode: tty ? S_IFCHR | 0o620 : S_IFIFO | 0o600, nlink: 1,
      uid: 0, gid: 0, rdevMajor: tty ? 136 : 0, rdevMinor: 0, size: 0, blksize: tty ? 1024 : 4096, blocks: 0,
      atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n, btimeNs: null,
    };
  }
}

export interface StdioOptions {
  stdin?: ByteSource | null;
  stdout?: ByteSink | null;
  stderr?: ByteSink | null;
}

/** The host's streams as descriptions, plus what /dev/tty needs when there is a terminal. */
export interface HostStdio {
  readonly stdin: StreamDesc | null;
  readonly stdout: StreamDesc | null;
  readonly stderr: StreamDesc | null;
  /** Present when the host stdin is a terminal: pass it to buildVfs for /dev/tty. */
  readonly tty: { input: HostInput; output: HostOutput | null; terminal: Terminal } | null;
  /** Stops reading the host's stdin (call when the guest has exited). */
  dispose(): void;
}

export function hostStdio(o: StdioOptions): HostStdio {
  const input = o.stdin ? new HostInput(o.stdin) : null;
  const out = o.stdout ? new HostOutput(o.stdout) : null;
  const err = o.stderr ? new HostOutput(o.stderr) : null;
  const ttyOut = out?.isTTY ? out : err?.isTTY ? err : null;
  const terminal = input?.isTTY || ttyOut !== null ? new Terminal(ttyOut) : null;
  const termFor = (tty: boolean): Terminal | null => (tty ? terminal : null);
  return {
    stdin: input && new StreamDesc(O_RDONLY, input, null, termFor(input.isTTY), 'stdin'),
    stdout: out && new StreamDesc(O_WRONLY, null, out, termFor(out.isTTY), 'stdout'),
    stderr: err && new StreamDesc(O_WRONLY, null, err, termFor(err.isTTY), 'stderr'),
    tty: input?.isTTY && terminal !== null ? { input, output: ttyOut ?? err, terminal } : null,
    dispose: () => input?.dispose(),
  };
}

/** Installs the streams as fds 0, 1 and 2 of a process's table. */
export function installStdio(fds: FdTable, stdio: HostStdio): void {
  if (stdio.stdin) fds.installAt(0, stdio.stdin);
  if (stdio.stdout) fds.installAt(1, stdio.stdout);
  if (stdio.stderr) fds.installAt(2, stdio.stderr);
}

/** /dev/tty: the terminal's input and output in one read-write description. */
export function ttyDescription(tty: NonNullable<HostStdio['tty']>, flags: number): StreamDesc {
  return new StreamDesc(flags, tty.input, tty.output, tty.terminal, '/dev/tty');
}
