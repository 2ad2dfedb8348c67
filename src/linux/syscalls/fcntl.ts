// fcntl, fcntl64 and ioctl. fcntl: duplicating (F_DUPFD, F_DUPFD_CLOEXEC), the close-on-exec
// flag, status flags (only O_APPEND, O_NONBLOCK, O_ASYNC, O_DIRECT, O_NOATIME change), record
// locks (accepted: a sandbox's processes have nobody else to coordinate with; F_GETLK reports
// the range unlocked) and pipe sizes. ioctl: the terminal requests glibc, musl and shells make
// (TCGETS/TCSETS*, TIOCGWINSZ/TIOCSWINSZ, TIOCGPGRP/TIOCSPGRP, ...) on terminals, ENOTTY
// elsewhere, plus FIONREAD, FIONBIO, FIOCLEX and FIONCLEX on anything.

import { EBADF, EINVAL, ENOTTY, EPERM } from '../errno.js';
import type { FileDescription } from '../fd.js';
import type { LinuxProcess } from '../process.js';
import { PipeEnd, PIPE_CAPACITY } from '../vfs/pipe.js';
import { StreamDesc, TERMIOS_SIZE, type Terminal } from '../vfs/stdio.js';
import { O_ACCMODE, O_APPEND, O_ASYNC, O_DIRECT, O_NOATIME, O_NONBLOCK, O_PATH, O_RDONLY, O_WRONLY } from '../vfs/types.js';
import { getStruct, putStruct } from './structs.js';
import { defineFileCall, desc, fdLimit, install } from './vfs-util.js';

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7,
  F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10, F_GETSIG = 11, F_GETLK64 = 12, F_SETLK64 = 13, F_SETLKW64 = 14,
  F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38, F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
const SETFL_MASK = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;

/** Record locks on struct flock (16 bytes: short type, short whence, long start, long len, pid) or flock64 (24). */
function lock(p: LinuxProcess, d: FileDescription, cmd: number, address: number): number {
  const get = cmd === F_GETLK || cmd === F_GETLK64 || cmd === F_OFD_GETLK;
  const size = cmd === F_GETLK || cmd === F_SETLK || cmd === F_SETLKW ? 16 : 24;
  const v = getStruct(p.mem, address, size);
  const type = v.getInt16(0, true);
  if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -EINVAL;
  if (get) {
    if (type === F_UNLCK) return -EINVAL;
    putStruct(p.mem, address, size, (w) => {
      new Uint8Array(w.buffer).set(new Uint8Array(v.buffer, v.byteOffset, size));
      w.setInt16(0, F_UNLCK, true);
    });
    return 0;
  }
  const acc = d.flags & O_ACCMODE;
  if ((type === F_RDLCK && acc === O_WRONLY) || (type === F_WRLCK && acc === O_RDONLY)) return -EBADF;
  return 0;
}

function fcntl(p: LinuxProcess, a: Uint32Array): number {
  const fd = a[0] | 0, cmd = a[1], arg = a[2];
  const d = desc(p, fd);
  switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC:
      if ((arg | 0) < 0 || arg >= fdLimit(p)) return -EINVAL;
      return install(p, d, cmd === F_DUPFD_CLOEXEC, arg);
    case F_GETFD: return p.fds.isCloseOnExec(fd) ? 1 : 0;
    case F_SETFD: p.fds.setCloseOnExec(fd, (arg & 1) !== 0); return 0;
    case F_GETFL: return d.flags;
    case F_SETFL:
      if (d.flags & O_PATH) return -EBADF;
      d.flags = (d.flags & ~SETFL_MASK) | (arg & SETFL_MASK);
      return 0;
    case F_GETLK: case F_SETLK: case F_SETLKW: case F_GETLK64: case F_SETLK64: case F_SETLKW64:
    case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
      return lock(p, d, cmd, arg);
    case F_SETOWN: case F_SETSIG: return 0;
    case F_GETOWN: case F_GETSIG: return 0;
    case F_GETPIPE_SZ: return d instanceof PipeEnd ? PIPE_CAPACITY : -EBADF;
    case F_SETPIPE_SZ:
      if (!(d instanceof PipeEnd)) return -EBADF;
      // The buffer has one fixed size: asking for that much or less is granted, more is not.
      return arg <= PIPE_CAPACITY ? PIPE_CAPACITY : -EPERM;
    default: return -EINVAL;
  }
}
defineFileCall(55, 'fcntl', fcntl);
defineFileCall(221, 'fcntl64', fcntl);

const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCSBRK = 0x5409, TCXONC = 0x540a,
  TCFLSH = 0x540b, TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCGWINSZ = 0x5413,
  TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, FIONBIO = 0x5421, TIOCNOTTY = 0x5422, TIOCGSID = 0x5429,
  FIONCLEX = 0x5450, FIOCLEX = 0x5451, FIOASYNC = 0x5452;

const putInt = (p: LinuxProcess, address: number, value: number): void =>
  putStruct(p.mem, address, 4, (v) => v.setInt32(0, value, true));

function terminalIoctl(p: LinuxProcess, t: Terminal, req: number, arg: number): number {
  switch (req) {
    case TCGETS: p.mem.writeBytes(arg, t.termios); return 0;
    case TCSETS: case TCSETSW: case TCSETSF: t.termios.set(p.mem.readBytes(arg, TERMIOS_SIZE)); return 0;
    case TIOCGWINSZ: {
      const [cols, rows] = t.size();
      putStruct(p.mem, arg, 8, (v) => { v.setUint16(0, rows, true); v.setUint16(2, cols, true); });
      return 0;
    }
    case TIOCSWINSZ: {
      const v = getStruct(p.mem, arg, 8);
      t.winsize = [v.getUint16(2, true), v.getUint16(0, true)];
      return 0;
    }
    case TIOCGPGRP: putInt(p, arg, t.foreground || p.pgid); return 0;
    case TIOCSPGRP: t.foreground = getStruct(p.mem, arg, 4).getInt32(0, true); return 0;
    case TIOCGSID: putInt(p, arg, p.sid); return 0;
    case TIOCSCTTY: case TIOCNOTTY: case TCSBRK: case TCXONC: case TCFLSH: return 0;
    default: return -ENOTTY;
  }
}

defineFileCall(54, 'ioctl', (p, a) => {
  const fd = a[0] | 0, req = a[1], arg = a[2];
  const d = desc(p, fd);
  switch (req) {
    case FIONREAD:
      if (d.readable === undefined) return -ENOTTY;
      putInt(p, arg, d.readable());
      return 0;
    case FIONBIO:
      if (getStruct(p.mem, arg, 4).getInt32(0, true) !== 0) d.flags |= O_NONBLOCK;
      else d.flags &= ~O_NONBLOCK;
      return 0;
    case FIOCLEX: p.fds.setCloseOnExec(fd, true); return 0;
    case FIONCLEX: p.fds.setCloseOnExec(fd, false); return 0;
    case FIOASYNC: return 0;
    default: break;
  }
  const t = d instanceof StreamDesc ? d.terminal : null;
  return t !== null ? terminalIoctl(p, t, req, arg) : -ENOTTY;
});
