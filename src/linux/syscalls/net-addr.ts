// Socket addresses between guest memory and the host: decoding a struct sockaddr the guest
// passes (AF_INET, AF_INET6, AF_UNIX) into a plain value the policy can judge and the socket
// code then uses, and encoding the addresses getsockname/getpeername return. Layouts are the
// kernel's uapi ones (sockaddr_in 16 bytes, sockaddr_in6 28, sockaddr_un 110), ports and IPv4
// addresses in network byte order. Errno values follow Linux's checks for connect(2):
// EINVAL for a length that cannot hold the family's structure, EAFNOSUPPORT for a family that
// does not match the socket.

import { GuestFault, type Arena } from '../../memory/arena.js';

export const AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_SEQPACKET = 5;
export const SOCK_TYPE_MASK = 0xf, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;

// Network errno values (asm-generic/errno.h) kept here so the shared errno list stays small.
export const ENOTSOCK = 88, EDESTADDRREQ = 89, EPROTOTYPE = 91, ENOPROTOOPT = 92, EPROTONOSUPPORT = 93,
  ESOCKTNOSUPPORT = 94, EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETDOWN = 100,
  ENETUNREACH = 101, ECONNABORTED = 103, ECONNRESET = 104, EISCONN = 106, ENOTCONN = 107, ETIMEDOUT = 110,
  ECONNREFUSED = 111, EHOSTDOWN = 112, EHOSTUNREACH = 113, EALREADY = 114, EINPROGRESS = 115;

/** sizeof(struct sockaddr_storage): the most bytes a sockaddr argument may have. */
export const SOCKADDR_MAX = 128;
/** sizeof(struct sockaddr_un): family plus 108 path bytes. */
const SUN_LEN = 110;

/** A socket address as the guest gave it, decoded. Unix paths are byte strings (one char per byte). */
export type SockAddr =
  | { readonly family: 'inet'; readonly address: string; readonly port: number }
  | { readonly family: 'inet6'; readonly address: string; readonly port: number; readonly flowinfo: number; readonly scopeId: number }
  | { readonly family: 'unix'; readonly path: string; readonly abstract: boolean }
  | { readonly family: 'unspec' }
  | { readonly family: 'other'; readonly code: number };

/** Family names the policy sees for socket(2)'s domain. */
export type SocketFamily = 'unix' | 'inet' | 'inet6' | 'other';
export type SocketType = 'stream' | 'dgram' | 'seqpacket' | 'raw' | 'other';

export const familyName = (domain: number): SocketFamily =>
  (domain === AF_UNIX ? 'unix' : domain === AF_INET ? 'inet' : domain === AF_INET6 ? 'inet6' : 'other');

export const typeName = (type: number): SocketType => {
  const t = type & SOCK_TYPE_MASK;
  return t === SOCK_STREAM ? 'stream' : t === SOCK_DGRAM ? 'dgram' : t === SOCK_SEQPACKET ? 'seqpacket' : t === SOCK_RAW ? 'raw' : 'other';
};

/** Dotted quad of 4 bytes. */
const ipv4 = (b: Uint8Array, at: number): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** RFC 5952 text of 16 bytes: lower-case hex, the longest run of 2+ zero groups as `::`, mapped IPv4 dotted. */
export function ipv6Text(b: Uint8Array, at = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[at + 2 * i] << 8) | b[at + 2 * i + 1]);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `::ffff:${ipv4(b, at + 12)}`;
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** Bytes of an IPv4 or IPv6 text address (as node:net reports them); null if it is neither. */
export function addressBytes(text: string, v6: boolean): Uint8Array | null {
  if (!v6) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
    return m === null ? null : Uint8Array.from(m.slice(1).map(Number));
  }
  let s = text.replace(/%.*$/, '');
  const out = new Uint8Array(16);
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (tail !== null) {
    const v4 = tail.slice(1).map(Number);
    s = s.slice(0, tail.index) + ((v4[0] << 8) | v4[1]).toString(16) + ':' + ((v4[2] << 8) | v4[3]).toString(16);
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, null];
  const hs = head === '' ? [] : head.split(':');
  const ts = rest === null || rest === '' ? [] : rest.split(':');
  const groups = rest === null ? hs : [...hs, ...new Array<string>(8 - hs.length - ts.length).fill('0'), ...ts];
  if (groups.length !== 8) return null;
  groups.forEach((x, i) => { const v = parseInt(x, 16); out[2 * i] = v >> 8; out[2 * i + 1] = v & 0xff; });
  return out;
}

/**
 * Decodes `len` bytes at `address` as a struct sockaddr: the value, or a positive errno (EFAULT
 * when the bytes cannot be read, EINVAL when the length is impossible). Reads the guest memory
 * exactly once.
 */
export function decodeSockaddr(mem: Arena, address: number, len: number): SockAddr | number {
  if ((len | 0) < 0 || len > SOCKADDR_MAX) return 22;
  if (len < 2) return 22;
  let b: Uint8Array;
  try {
    b = mem.readBytes(address, len);
  } catch (e) {
    if (e instanceof GuestFault) return 14; // EFAULT
    throw e;
  }
  const family = b[0] | (b[1] << 8);
  const port = (b[2] << 8) | b[3];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (family) {
    case AF_UNSPEC: return { family: 'unspec' };
    case AF_INET:
      if (len < 16) return 22;
      return { family: 'inet', address: ipv4(b, 4), port };
    case AF_INET6:
      if (len < 24) return 22;
      return { family: 'inet6', address: ipv6Text(b, 8), port, flowinfo: v.getUint32(4, false), scopeId: len >= 28 ? v.getUint32(24, true) : 0 };
    case AF_UNIX: {
      const raw = b.subarray(2, Math.min(len, SUN_LEN));
      const abstract = raw.length > 0 && raw[0] === 0;
      const nul = abstract ? -1 : raw.indexOf(0);
      const path = Buffer.from(abstract ? raw.subarray(1) : nul >= 0 ? raw.subarray(0, nul) : raw).toString('latin1');
      return { family: 'unix', path, abstract };
    }
    default: return { family: 'other', code: family };
  }
}

/** The bytes of a sockaddr for getsockname/getpeername/accept. */
export function encodeSockaddr(a: SockAddr): Uint8Array {
  switch (a.family) {
    case 'inet': {
      const out = new Uint8Array(16);
      out[0] = AF_INET; out[2] = a.port >> 8; out[3] = a.port & 0xff;
      out.set(addressBytes(a.address, false) ?? new Uint8Array(4), 4);
      return out;
    }
    case 'inet6': {
      const out = new Uint8Array(28);
      const v = new DataView(out.buffer);
      out[0] = AF_INET6; out[2] = a.port >> 8; out[3] = a.port & 0xff;
      v.setUint32(4, a.flowinfo, false);
      out.set(addressBytes(a.address, true) ?? new Uint8Array(16), 8);
      v.setUint32(24, a.scopeId, true);
      return out;
    }
    case 'unix': {
      // An unnamed socket (socketpair) reports only its family: length 2.
      const path = Buffer.from(a.path, 'latin1');
      const out = new Uint8Array(a.path === '' && !a.abstract ? 2 : 2 + (a.abstract ? 1 : 0) + path.length + (a.abstract ? 0 : 1));
      out[0] = AF_UNIX;
      if (out.length > 2) out.set(path, a.abstract ? 3 : 2);
      return out;
    }
    default:
      return Uint8Array.of(0, 0);
  }
}

/**
 * Copies an address out as the kernel's move_addr_to_user does: *lenPtr holds the buffer's size
 * on entry; at most that many bytes are written, and *lenPtr becomes the full length.
 */
export function putSockaddr(mem: Arena, address: number, lenPtr: number, a: SockAddr): number {
  // A NULL length pointer faults like any other (EFAULT), as in Linux.
  const room = mem.read32(lenPtr) | 0;
  if (room < 0) return -22;
  const bytes = encodeSockaddr(a);
  const n = Math.min(room, bytes.length);
  if (n > 0) mem.writeBytes(address, bytes.subarray(0, n));
  mem.write32(lenPtr, bytes.length);
  return 0;
}
