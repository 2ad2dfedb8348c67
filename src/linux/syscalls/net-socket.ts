// Socket descriptions: TCP client sockets (AF_INET/AF_INET6 SOCK_STREAM) over node:net, and
// AF_UNIX socket pairs held in this process. Both sit in the fd table like pipes: read/write,
// poll, FIONREAD, fstat (S_IFSOCK), /proc/self/fd (socket:[ino]) and close work through the
// usual paths, and a call that must wait returns Blocked on the socket's wait queue, which every
// host event (connected, data, end, error, drain, close) wakes.
//
// Host memory per socket is bounded: received bytes wait in a queue of at most about RX_HIGH
// bytes, past which the host socket is paused (TCP's window then holds the peer back), and a
// write takes only what fits below TX_HIGH bytes not yet handed to the kernel (a short count,
// as pipes do; C libraries' write loops continue) and waits while nothing fits.
//
// Policy: these classes never decide whether a connection is allowed; the syscall layer
// (net.ts) only reaches connect() with the address the policy approved.

import { connect as netConnect, type Socket } from 'node:net';
import { EAGAIN, EINVAL, EPIPE } from '../errno.js';
import type { FileDescription } from '../fd.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, VfsDescription } from '../vfs/description.js';
import { type FileStat, O_RDWR, S_IFSOCK } from '../vfs/types.js';
import { WaitQueue } from '../vfs/waitq.js';
import { Blocked, type SyscallResult } from './registry.js';
import {
  AF_INET6, AF_UNIX, EAFNOSUPPORT, EALREADY, ECONNREFUSED, ECONNRESET, EHOSTUNREACH, EINPROGRESS, EISCONN,
  ENETUNREACH, ENOTCONN, ETIMEDOUT, SOCK_STREAM, type SockAddr,
} from './net-addr.js';

export const MSG_OOB = 1, MSG_PEEK = 2, MSG_DONTWAIT = 0x40, MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000;
const POLLRDHUP = 0x2000;
/** Unread bytes kept per socket before the host socket is paused; what node:net may hold unsent. */
const RX_HIGH = 64 * 1024, TX_HIGH = 64 * 1024;
/** Bytes a socket pair's receive side holds (Linux's default is near this). */
const PAIR_CAPACITY = 208 * 1024;
/** sockfs's anonymous device. */
const SOCKFS_MINOR = 8;
let nextSocketIno = 200_000;

/** Linux errno of a node:net error (connect failures, resets). */
function netErrno(e: unknown): number {
  const code = (e as { code?: unknown } | null)?.code;
  const table: Record<string, number> = { ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, EPIPE, EADDRNOTAVAIL: 99, ENETDOWN: 100, EHOSTDOWN: 112, ECONNABORTED: 103 };
  return typeof code === 'string' ? table[code] ?? ECONNREFUSED : ECONNREFUSED;
}

/** Received data: chunks, with peek and datagram (one message per read) modes. */
class RxQueue {
  private chunks: Uint8Array[] = [];
  length = 0;
  put(b: Uint8Array): void { this.chunks.push(b); this.length += b.length; }
  get messages(): number { return this.chunks.length; }
  /** Copies up to buf.length bytes (one message when `message`), removing them unless `peek`. */
  take(buf: Uint8Array, peek: boolean, message: boolean): number {
    let n = 0, i = 0;
    while (n < buf.length && i < this.chunks.length) {
      const c = this.chunks[i];
      const part = c.subarray(0, Math.min(c.length, buf.length - n));
      buf.set(part, n);
      n += part.length;
      if (message) { if (!peek) { this.chunks.shift(); this.length -= c.length; } return n; }
      if (!peek) {
        if (part.length === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(part.length);
        this.length -= part.length;
      } else i++;
    }
    return n;
  }
}

/** What every socket has: its kind, shutdown state, options and wait queue. */
export abstract class SocketDesc extends VfsDescription {
  readonly ino = nextSocketIno++;
  readonly queue = new WaitQueue();
  readonly rx = new RxQueue();
  shutRd = false;
  shutWr = false;
  /** Pending error (SO_ERROR), reported once. */
  error = 0;
  /** setsockopt values by `level:name`, as the bytes given. */
  readonly options = new Map<string, Uint8Array>();

  constructor(flags: number, readonly domain: number, readonly type: number, readonly protocol: number) {
    super(O_RDWR | flags);
  }

  abstract connected(): boolean;
  /** Whether the peer will send no more (EOF after the queued bytes). */
  abstract peerDone(): boolean;
  abstract localAddress(): SockAddr;
  abstract peerAddress(): SockAddr | null;
  abstract send(data: Uint8Array, flags: number): SyscallResult;
  abstract shutdown(how: number): number;
  /** Starts a connection (the address is the one the policy approved). */
  abstract connect(to: SockAddr): SyscallResult;
  /** The retry of a blocking connect this call started: Blocked until it settles. */
  abstract connectResult(): SyscallResult;
  /** Called after bytes were taken from rx. */
  protected drained(): void {}

  recv(buf: Uint8Array, flags: number): SyscallResult {
    const message = this.type !== SOCK_STREAM;
    if (buf.length === 0 && !message) return 0;
    if (this.rx.length > 0 || (message && this.rx.messages > 0)) {
      const n = this.rx.take(buf, (flags & MSG_PEEK) !== 0, message);
      if ((flags & MSG_PEEK) === 0) this.drained();
      return n;
    }
    // Linux's order: a socket whose connection attempt failed reads EOF (SOCK_DONE) before its
    // error; a reset connection reports the error first.
    if (this.shutRd || this.failedConnect()) return 0;
    if (this.error !== 0) { const e = this.error; this.error = 0; return -e; }
    if (this.peerDone()) return 0;
    if (!this.connected() && !this.connecting()) return -ENOTCONN;
    if (this.nonBlocking || (flags & MSG_DONTWAIT) !== 0) return -EAGAIN;
    return new Blocked(this.queue.wait());
  }

  connecting(): boolean { return false; }
  failedConnect(): boolean { return false; }
  override read(buf: Uint8Array): SyscallResult { return this.recv(buf, 0); }
  override write(data: Uint8Array): SyscallResult { return this.send(data, 0); }
  override pollQueues(): WaitQueue[] { return [this.queue]; }
  readable(): number { return this.rx.length; }
  override procLink(): string { return `socket:[${this.ino}]`; }

  override stat(): FileStat {
    return {
      devMajor: 0, devMinor: SOCKFS_MINOR, ino: this.ino, mode: S_IFSOCK | 0o777, nlink: 1, uid: 0, gid: 0,
      rdevMajor: 0, rdevMinor: 0, size: 0, blksize: 4096, blocks: 0, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n, btimeNs: null,
    };
  }
}

/** A TCP client socket over node:net. */
export class TcpSocket extends SocketDesc {
  private state: 'new' | 'connecting' | 'connected' | 'failed' | 'closed' = 'new';
  private sock: Socket | null = null;
  private eof = false;
  private paused = false;
  private local: SockAddr | null = null;
  private remote: SockAddr | null = null;

  private get v6(): boolean { return this.domain === AF_INET6; }
  connected(): boolean { return this.state === 'connected'; }
  override connecting(): boolean { return this.state === 'connecting'; }
  override failedConnect(): boolean { return this.state === 'failed'; }
  peerDone(): boolean { return this.eof || this.state === 'closed'; }

  private any(): SockAddr {
    return this.v6 ? { family: 'inet6', address: '::', port: 0, flowinfo: 0, scopeId: 0 } : { family: 'inet', address: '0.0.0.0', port: 0 };
  }
  localAddress(): SockAddr { return this.local ?? this.any(); }
  peerAddress(): SockAddr | null { return this.state === 'connected' || this.eof ? this.remote : null; }

  connect(to: SockAddr): SyscallResult {
    if (this.state === 'connected' || this.eof) return -EISCONN;
    // Linux: a second connect while one is in progress is EALREADY on a non-blocking socket;
    // a blocking one waits for the first to settle and reports its result.
    if (this.state === 'connecting') return this.nonBlocking ? -EALREADY : this.connectResult();
    if (to.family === 'unspec') return 0;
    if (to.family !== (this.v6 ? 'inet6' : 'inet')) return -EAFNOSUPPORT;
    this.error = 0;
    // Port 0 names no listener: Linux's SYN to it is refused.
    if (to.port === 0) { this.state = 'failed'; return -ECONNREFUSED; }
    this.state = 'connecting';
    this.remote = to;
    // A numeric address: node:net connects without a name lookup.
    const s = netConnect({ host: to.address, port: to.port, family: this.v6 ? 6 : 4, allowHalfOpen: true });
    this.sock = s;
    const wake = (): void => this.queue.wake();
    s.on('connect', () => {
      this.state = 'connected';
      const la = s.localAddress ?? '', lp = s.localPort ?? 0;
      this.local = this.v6 ? { family: 'inet6', address: la, port: lp, flowinfo: 0, scopeId: 0 } : { family: 'inet', address: la, port: lp };
      wake();
    });
    s.on('data', (b: Buffer) => {
      this.rx.put(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      if (this.rx.length >= RX_HIGH && !this.paused) { this.paused = true; s.pause(); }
      wake();
    });
    s.on('end', () => { this.eof = true; wake(); });
    s.on('drain', wake);
    s.on('error', (e) => {
      this.error = netErrno(e);
      if (this.state === 'connecting') this.state = 'failed';
      wake();
    });
    s.on('close', () => {
      if (this.state === 'connected') this.eof = true;
      else if (this.state === 'connecting') { this.state = 'failed'; if (this.error === 0) this.error = ECONNREFUSED; }
      wake();
    });
    return this.nonBlocking ? -EINPROGRESS : new Blocked(this.queue.wait());
  }

  connectResult(): SyscallResult {
    if (this.state === 'connecting') return new Blocked(this.queue.wait());
    if (this.state === 'connected') return 0;
    const e = this.error || ECONNREFUSED;
    this.error = 0;
    return -e;
  }

  protected override drained(): void {
    if (this.paused && this.rx.length < RX_HIGH / 2) { this.paused = false; this.sock?.resume(); }
  }

  send(data: Uint8Array, flags: number): SyscallResult {
    if (this.shutWr || this.state === 'closed') return -EPIPE;
    if (this.error !== 0) { const e = this.error; this.error = 0; return -e; }
    const wait = this.nonBlocking || (flags & MSG_DONTWAIT) !== 0;
    if (this.state === 'connecting') return wait ? -EAGAIN : new Blocked(this.queue.wait());
    if (this.state !== 'connected' || this.sock === null) return -EPIPE;
    if (this.eof && this.sock.destroyed) return -EPIPE;
    if (data.length === 0) return 0;
    const room = TX_HIGH - this.sock.writableLength;
    if (room <= 0) return wait ? -EAGAIN : new Blocked(this.queue.wait());
    const n = Math.min(room, data.length);
    this.sock.write(n === data.length ? data : data.slice(0, n));
    return n;
  }

  shutdown(how: number): number {
    if (how < 0 || how > 2) return -EINVAL;
    if (this.state !== 'connected' && !this.eof) return -ENOTCONN;
    if (how !== 1) this.shutRd = true;
    if (how !== 0 && !this.shutWr) { this.shutWr = true; this.sock?.end(); }
    this.queue.wake();
    return 0;
  }

  override poll(): number {
    let m = 0;
    if (this.rx.length > 0 || this.eof || this.shutRd) m |= POLLIN | POLLRDNORM;
    if (this.eof) m |= POLLRDHUP;
    if (this.state === 'connected' && !this.shutWr && (this.sock?.writableLength ?? 0) < TX_HIGH) m |= POLLOUT | POLLWRNORM;
    if (this.error !== 0) m |= POLLERR;
    // A refused connection, an unconnected socket and one shut both ways hang up (Linux's tcp_poll).
    if (this.state === 'failed' || this.state === 'new' || this.state === 'closed' || (this.eof && this.shutWr)) m |= POLLHUP | POLLOUT | POLLWRNORM;
    return m;
  }

  /** TCP_NODELAY and SO_KEEPALIVE reach the host socket. */
  setNoDelay(on: boolean): void { this.sock?.setNoDelay(on); }
  setKeepAlive(on: boolean): void { this.sock?.setKeepAlive(on); }

  override close(): void {
    this.state = 'closed';
    this.sock?.destroy();
    this.sock = null;
    this.queue.wake();
  }
}

/** One end of an AF_UNIX socket pair (stream, datagram or seqpacket), or an unconnected AF_UNIX socket. */
export class UnixSocket extends SocketDesc {
  peer: UnixSocket | null = null;
  private closed = false;
  private peerClosed = false;

  connected(): boolean { return this.peer !== null || this.peerClosed; }
  peerDone(): boolean { return this.peerClosed || (this.peer?.shutWr ?? false); }
  localAddress(): SockAddr { return { family: 'unix', path: '', abstract: false }; }
  peerAddress(): SockAddr | null { return this.connected() ? { family: 'unix', path: '', abstract: false } : null; }

  /** Path sockets would live in the file system; nothing there listens (no server sockets). */
  connect(to: SockAddr): SyscallResult {
    if (this.connected()) return -EISCONN;
    return to.family === 'unix' ? -ECONNREFUSED : -EAFNOSUPPORT;
  }
  connectResult(): SyscallResult { return -ECONNREFUSED; }

  send(data: Uint8Array, flags: number): SyscallResult {
    if (this.shutWr || this.peerClosed) return -EPIPE;
    const peer = this.peer;
    if (peer === null) return this.type === SOCK_STREAM ? -ENOTCONN : -ENOTCONN;
    if (peer.shutRd) return -EPIPE;
    const stream = this.type === SOCK_STREAM;
    if (stream && data.length === 0) return 0;
    const room = PAIR_CAPACITY - peer.rx.length;
    if (data.length > PAIR_CAPACITY && !stream) return -90; // EMSGSIZE
    const fits = stream ? room > 0 : room >= data.length;
    if (!fits) return this.nonBlocking || (flags & MSG_DONTWAIT) !== 0 ? -EAGAIN : new Blocked(peer.queue.wait());
    const n = stream ? Math.min(room, data.length) : data.length;
    peer.rx.put(data.slice(0, n));
    peer.queue.wake();
    return n;
  }

  protected override drained(): void { this.peer?.queue.wake(); }

  shutdown(how: number): number {
    if (how < 0 || how > 2) return -EINVAL;
    if (!this.connected()) return -ENOTCONN;
    if (how !== 1) this.shutRd = true;
    if (how !== 0) this.shutWr = true;
    this.queue.wake();
    this.peer?.queue.wake();
    return 0;
  }

  override poll(): number {
    let m = 0;
    if (this.rx.length > 0 || this.rx.messages > 0 || this.peerDone() || this.shutRd) m |= POLLIN | POLLRDNORM;
    if (this.peerDone()) m |= POLLRDHUP;
    const peer = this.peer;
    if (peer !== null && !this.shutWr && PAIR_CAPACITY - peer.rx.length > 0) m |= POLLOUT | POLLWRNORM;
    if (this.peerClosed || (this.shutWr && this.peerDone())) m |= POLLHUP;
    return m;
  }

  override close(): void {
    if (this.closed) return;
    this.closed = true;
    const peer = this.peer;
    this.peer = null;
    if (peer !== null) { peer.peer = null; peer.peerClosed = true; peer.queue.wake(); }
  }
}

/** A connected pair of AF_UNIX sockets. */
export function unixPair(type: number, flags: number): [UnixSocket, UnixSocket] {
  const a = new UnixSocket(flags, AF_UNIX, type, 0), b = new UnixSocket(flags, AF_UNIX, type, 0);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** The kind of socket a description is, or null when it is not a socket. */
export function socketInfo(d: FileDescription | undefined): { domain: number; type: number; protocol: number } | null {
  return d instanceof SocketDesc ? { domain: d.domain, type: d.type, protocol: d.protocol } : null;
}
