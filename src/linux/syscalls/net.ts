// The socket system calls: socketcall (102) and the direct i386 calls socket (359) to shutdown
// (373). Network is default-deny: the dispatcher (run.ts with decode-args.ts) refuses socket,
// socketpair, connect, bind, listen and accept with EACCES unless a policy allowed the request,
// and these handlers check that it did (CallCopies.netAllowed) before creating a socket or
// starting a connection. connect uses the socket address the policy saw: the copy made before
// the check, never a second read of guest memory.
//
// Provided: TCP client sockets (AF_INET, AF_INET6 SOCK_STREAM) and AF_UNIX socket pairs (stream,
// datagram, seqpacket). Not provided, with these errnos once a policy allowed the call: other
// families EAFNOSUPPORT; other types ESOCKTNOSUPPORT (UDP, raw); bind, listen and accept
// EOPNOTSUPP (no server sockets); connecting an AF_UNIX socket to a path ECONNREFUSED; control
// messages (SCM_RIGHTS) EOPNOTSUPP. sendto/sendmsg addresses are ignored, as TCP ignores them.

import { EACCES, EFAULT, EINVAL } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import { Perm } from '../../memory/arena.js';
import { activeCopies, copiedSockaddr, SOCKETCALLS } from './call-copies.js';
import { prefix, readIovecs, MAX_RW_COUNT, type Iov } from './io.js';
import {
  AF_INET, AF_INET6, AF_UNIX, decodeSockaddr, ENOPROTOOPT, ENOTSOCK, EOPNOTSUPP, EPROTONOSUPPORT, ESOCKTNOSUPPORT,
  EAFNOSUPPORT, putSockaddr, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_SEQPACKET, SOCK_STREAM, SOCK_TYPE_MASK, type SockAddr,
} from './net-addr.js';
import { MSG_NOSIGNAL, SocketDesc, TcpSocket, UnixSocket, unixPair } from './net-socket.js';
import { Blocked, SYSCALLS, type SyscallResult } from './registry.js';
import { defineFileCall, desc, fileHooks, install } from './vfs-util.js';
import { O_NONBLOCK, fail } from '../vfs/types.js';

const IPPROTO_TCP = 6;
/** Bytes moved per send or receive step (as io.ts). */
const CHUNK = 1 << 20;

/** The socket `fd` names: EBADF when none is open, ENOTSOCK when it is not a socket. */
function sock(p: LinuxProcess, fd: number): SocketDesc {
  const d = desc(p, fd);
  return d instanceof SocketDesc ? d : fail(ENOTSOCK);
}

/** The call's network request was allowed by a policy (the dispatcher set it after asking). */
const allowed = (p: LinuxProcess): boolean => activeCopies(p)?.netAllowed === true;

/** The socket address argument: the copy the policy saw (or, outside a judged call, a fresh decode). */
function sockaddrArg(p: LinuxProcess, address: number, len: number): SockAddr {
  const r = copiedSockaddr(p, address, len) ?? decodeSockaddr(p.mem, address, len);
  return typeof r === 'number' ? fail(r) : r;
}

function socket(p: LinuxProcess, a: Uint32Array): number {
  const domain = a[0], rawType = a[1], protocol = a[2] | 0;
  if (rawType & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)) return -EINVAL;
  if (!allowed(p)) return -EACCES;
  const type = rawType & SOCK_TYPE_MASK;
  const flags = rawType & SOCK_NONBLOCK ? O_NONBLOCK : 0;
  let s: SocketDesc;
  if (domain === AF_INET || domain === AF_INET6) {
    if (type !== SOCK_STREAM) return -ESOCKTNOSUPPORT;
    if (protocol !== 0 && protocol !== IPPROTO_TCP) return -EPROTONOSUPPORT;
    s = new TcpSocket(flags, domain, type, IPPROTO_TCP);
  } else if (domain === AF_UNIX) {
    if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
    if (protocol !== 0) return -EPROTONOSUPPORT;
    s = new UnixSocket(flags, domain, type, 0);
  } else {
    return -EAFNOSUPPORT;
  }
  return install(p, s, (rawType & SOCK_CLOEXEC) !== 0);
}

function socketpair(p: LinuxProcess, a: Uint32Array): number {
  const domain = a[0], rawType = a[1], protocol = a[2] | 0;
  if (rawType & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)) return -EINVAL;
  if (!allowed(p)) return -EACCES;
  const type = rawType & SOCK_TYPE_MASK;
  if (domain === AF_INET || domain === AF_INET6) return -EOPNOTSUPP;
  if (domain !== AF_UNIX) return -EAFNOSUPPORT;
  if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
  if (protocol !== 0) return -EPROTONOSUPPORT;
  if (!p.mem.check(a[3], 8, Perm.Write)) return -EFAULT;
  const [x, y] = unixPair(type, rawType & SOCK_NONBLOCK ? O_NONBLOCK : 0);
  const cloexec = (rawType & SOCK_CLOEXEC) !== 0;
  const fx = install(p, x, cloexec);
  if (fx < 0) { y.close(); return fx; }
  const fy = install(p, y, cloexec);
  if (fy < 0) { p.fds.close(fx); return fy; }
  p.mem.write32(a[3], fx);
  p.mem.write32(a[3] + 4, fy);
  return 0;
}

function connect(p: LinuxProcess, a: Uint32Array): SyscallResult {
  const s = sock(p, a[0]);
  const to = sockaddrArg(p, a[1], a[2]);
  const c = activeCopies(p);
  if (c === undefined || !c.netAllowed) return -EACCES;
  // The retry of the blocking connect this very call started: wait for it to settle.
  if (c.pending === s) return s.connectResult();
  const r = s.connect(to);
  if (r instanceof Blocked) c.pending = s;
  return r;
}

/** bind, listen, accept: judged like the rest, then refused: there are no server sockets. */
function server(p: LinuxProcess, a: Uint32Array, withAddress: boolean): number {
  sock(p, a[0]);
  if (withAddress) sockaddrArg(p, a[1], a[2]);
  return allowed(p) ? -EOPNOTSUPP : -EACCES;
}

/** send, sendto, sendmsg: one step of at most CHUNK readable bytes; EPIPE raises SIGPIPE unless MSG_NOSIGNAL. */
function sendIovs(p: LinuxProcess, s: SocketDesc, iovs: Iov[], flags: number): SyscallResult {
  const parts: Uint8Array[] = [];
  let size = 0, fault = false;
  for (const iov of iovs) {
    const want = Math.min(iov.len, CHUNK - size);
    const ok = prefix(p, iov.base, want, Perm.Read);
    if (ok > 0) parts.push(p.mem.readBytes(iov.base, ok));
    size += ok;
    if (ok < want) { fault = true; break; }
    if (size >= CHUNK) break;
  }
  if (size === 0 && fault) return -EFAULT;
  const data = parts.length === 1 ? parts[0] : new Uint8Array(Buffer.concat(parts));
  const r = s.send(data, flags);
  if (r === -32 && (flags & MSG_NOSIGNAL) === 0) fileHooks.sigpipe(p);
  return r;
}

/** recv, recvfrom, recvmsg: one receive into the writable prefix of the iovecs. */
function recvIovs(p: LinuxProcess, s: SocketDesc, iovs: Iov[], flags: number): SyscallResult {
  let room = 0;
  for (const iov of iovs) {
    const want = Math.min(iov.len, CHUNK - room);
    const ok = prefix(p, iov.base, want, Perm.Write);
    room += ok;
    if (ok < want || room >= CHUNK) break;
  }
  const total = iovs.reduce((n, v) => n + v.len, 0);
  if (room === 0 && total > 0) return -EFAULT;
  const buf = new Uint8Array(room);
  const r = s.recv(buf, flags);
  if (r instanceof Blocked || r <= 0) return r;
  let at = 0;
  for (const iov of iovs) {
    if (at >= r) break;
    const n = Math.min(iov.len, r - at);
    p.mem.writeBytes(iov.base, buf.subarray(at, at + n));
    at += n;
  }
  return r;
}

const one = (base: number, len: number): Iov[] => [{ base, len: Math.min(len, MAX_RW_COUNT) }];

/** struct msghdr (i386): name, namelen, iov, iovlen, control, controllen, flags. */
function msghdr(p: LinuxProcess, address: number): { iovs: Iov[] | number; control: number; controllen: number } {
  const b = p.mem.readBytes(address, 28);
  const v = new DataView(b.buffer, b.byteOffset, 28);
  return { iovs: readIovecs(p, v.getUint32(8, true), v.getUint32(12, true)), control: v.getUint32(16, true), controllen: v.getUint32(20, true) };
}

const SOL_SOCKET = 1;
const SO_TYPE = 3, SO_ERROR = 4, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9, SO_ACCEPTCONN = 30, SO_PROTOCOL = 38, SO_DOMAIN = 39;
const TCP_NODELAY = 1;
/** SOL_SOCKET options accepted by setsockopt (stored and read back): DEBUG REUSEADDR DONTROUTE BROADCAST SNDBUF RCVBUF KEEPALIVE OOBINLINE LINGER REUSEPORT RCVTIMEO SNDTIMEO. */
const SOCKET_OPTS = new Set([1, 2, 5, 6, 7, 8, 9, 10, 13, 15, 20, 21]);

function setsockopt(p: LinuxProcess, a: Uint32Array): number {
  const s = sock(p, a[0]);
  const level = a[1] | 0, name = a[2] | 0, len = a[4] | 0;
  const known = (level === SOL_SOCKET && SOCKET_OPTS.has(name)) || (level === IPPROTO_TCP && name === TCP_NODELAY && s instanceof TcpSocket);
  if (!known) return -ENOPROTOOPT;
  if (len < 4) return -EINVAL;
  const bytes = p.mem.readBytes(a[3], Math.min(len, 16));
  s.options.set(`${level}:${name}`, bytes);
  const on = (bytes[0] | bytes[1] | bytes[2] | bytes[3]) !== 0;
  if (s instanceof TcpSocket) {
    if (level === IPPROTO_TCP) s.setNoDelay(on);
    else if (name === SO_KEEPALIVE) s.setKeepAlive(on);
  }
  return 0;
}

function getsockopt(p: LinuxProcess, a: Uint32Array): number {
  const s = sock(p, a[0]);
  const level = a[1] | 0, name = a[2] | 0;
  const room = p.mem.read32(a[4]) | 0;
  if (room < 0) return -EINVAL;
  let value: Uint8Array;
  const int = (n: number): Uint8Array => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, n, true); return b; };
  const stored = s.options.get(`${level}:${name}`);
  if (level === SOL_SOCKET && name === SO_TYPE) value = int(s.type);
  else if (level === SOL_SOCKET && name === SO_ERROR) { value = int(s.error); s.error = 0; }
  else if (level === SOL_SOCKET && name === SO_DOMAIN) value = int(s.domain);
  else if (level === SOL_SOCKET && name === SO_PROTOCOL) value = int(s.protocol);
  else if (level === SOL_SOCKET && name === SO_ACCEPTCONN) value = int(0);
  // Linux reports twice the buffer size set (the bookkeeping overhead), and 212992 by default.
  else if (level === SOL_SOCKET && (name === SO_SNDBUF || name === SO_RCVBUF)) value = int(stored !== undefined ? 2 * new DataView(stored.buffer, stored.byteOffset).getInt32(0, true) : 212992);
  else if (stored !== undefined) value = stored;
  else if ((level === SOL_SOCKET && SOCKET_OPTS.has(name)) || (level === IPPROTO_TCP && name === TCP_NODELAY && s instanceof TcpSocket)) value = int(0);
  else return -ENOPROTOOPT;
  const n = Math.min(room, value.length);
  if (n > 0) p.mem.writeBytes(a[3], value.subarray(0, n));
  p.mem.write32(a[4], value.length);
  return 0;
}

const HANDLERS: Record<number, [string, (p: LinuxProcess, a: Uint32Array) => SyscallResult]> = {
  359: ['socket', socket],
  360: ['socketpair', socketpair],
  361: ['bind', (p, a) => server(p, a, true)],
  362: ['connect', connect],
  363: ['listen', (p, a) => server(p, a, false)],
  364: ['accept4', (p, a) => server(p, a, false)],
  365: ['getsockopt', getsockopt],
  366: ['setsockopt', setsockopt],
  367: ['getsockname', (p, a) => putSockaddr(p.mem, a[1], a[2], sock(p, a[0]).localAddress())],
  368: ['getpeername', (p, a) => {
    const peer = sock(p, a[0]).peerAddress();
    return peer === null ? -107 /* ENOTCONN */ : putSockaddr(p.mem, a[1], a[2], peer);
  }],
  369: ['sendto', (p, a) => sendIovs(p, sock(p, a[0]), one(a[1], a[2]), a[3])],
  370: ['sendmsg', (p, a) => {
    const s = sock(p, a[0]);
    const m = msghdr(p, a[1]);
    if (typeof m.iovs === 'number') return m.iovs;
    if (m.control !== 0 && m.controllen > 0) return -EOPNOTSUPP;
    return sendIovs(p, s, m.iovs, a[2]);
  }],
  371: ['recvfrom', (p, a) => {
    const s = sock(p, a[0]);
    const r = recvIovs(p, s, one(a[1], a[2]), a[3]);
    // Stream and unnamed sockets report no source address: its length becomes 0.
    if (typeof r === 'number' && r >= 0 && a[4] !== 0 && a[5] !== 0) p.mem.write32(a[5], 0);
    return r;
  }],
  372: ['recvmsg', (p, a) => {
    const s = sock(p, a[0]);
    const m = msghdr(p, a[1]);
    if (typeof m.iovs === 'number') return m.iovs;
    const r = recvIovs(p, s, m.iovs, a[2]);
    if (typeof r === 'number' && r >= 0) {
      p.mem.write32(a[1] + 4, 0);  // msg_namelen
      p.mem.write32(a[1] + 20, 0); // msg_controllen
      p.mem.write32(a[1] + 24, 0); // msg_flags
    }
    return r;
  }],
  373: ['shutdown', (p, a) => sock(p, a[0]).shutdown(a[1] | 0)],
};

for (const [nr, [name, fn]] of Object.entries(HANDLERS)) defineFileCall(Number(nr), name, fn);

// socketcall(call, args): the copied argument array (decode-args.ts) when the dispatcher made
// one, so the call runs with the words the policy saw; else read here.
defineFileCall(102, 'socketcall', (p, a) => {
  const sub = SOCKETCALLS[a[0]];
  if (sub === undefined) return -EINVAL;
  let words = activeCopies(p)?.socketArgs ?? null;
  if (typeof words === 'number') return -words;
  if (words === null) {
    const b = p.mem.readBytes(a[1], sub.count * 4);
    const w = new Uint32Array(6);
    for (let i = 0; i < sub.count; i++) w[i] = b[4 * i] | (b[4 * i + 1] << 8) | (b[4 * i + 2] << 16) | (b[4 * i + 3] << 24);
    words = sub.widen(w);
  }
  const def = SYSCALLS.get(sub.nr);
  return def === undefined ? -38 /* ENOSYS: recvmmsg, sendmmsg */ : def.handler(p, words);
});
