// Decoded, copied system call arguments: what the policy judges and what the call then uses.
//
// A table says, per system call, what each register argument is (a descriptor, flags, a path, an
// argv array, a socket address ...). Before a call runs under a policy (and before every
// network call, which is denied unless a policy allows it), the dispatcher reads the pointed-to
// arguments out of the arena once, decodes them (paths as byte strings, sockaddrs as
// {family, address, port}), shows them to the policy, and keeps the copies on the call
// (CallCopies). While the call runs, including the retries of a call that had to wait, the
// readers the handlers use (readPath, execve's argv reader, the socket address reader) take
// the copy instead of reading guest memory again. So what was checked is what is used: a guest
// that changes the bytes after the check (from another process sharing the page, or while the
// call is parked) cannot change what the call does.
//
// socketcall(2) is unwrapped here: its argument array is copied once and the call is judged,
// and run, as the socket call it stands for (name 'connect', via 'socketcall').

import { PAGE_SIZE } from '../../memory/arena.js';
import type { LinuxProcess } from '../process.js';
import { PATH_MAX, bytesToName } from '../vfs/types.js';
import { decodeSockaddr, familyName, typeName, type SockAddr, type SocketFamily, type SocketType } from './net-addr.js';
import { socketInfo } from './net-socket.js';
import { CallCopies, SOCKETCALLS } from './call-copies.js';

export type { SockAddr, SocketFamily, SocketType } from './net-addr.js';
export { CallCopies } from './call-copies.js';

/** What a register argument is. `path?` is a path that may be NULL; `sockaddr` takes its length from another argument. */
export type ArgKind = 'int' | 'uint' | 'fd' | 'dirfd' | 'flags' | 'mode' | 'ptr' | 'size' | 'domain' | 'socktype' |
  'path' | 'path?' | 'argv' | 'sockaddr';

/** One decoded argument. Pointed-to values are copies; `errno` says why one could not be read. */
export type DecodedArg =
  | { readonly name: string; readonly kind: 'int' | 'uint' | 'fd' | 'dirfd' | 'flags' | 'mode' | 'ptr' | 'size' | 'domain' | 'socktype'; readonly value: number }
  | { readonly name: string; readonly kind: 'path'; readonly value: string | null; readonly errno?: number }
  | { readonly name: string; readonly kind: 'argv'; readonly value: readonly string[] | null; readonly errno?: number }
  | { readonly name: string; readonly kind: 'sockaddr'; readonly value: SockAddr | null; readonly errno?: number };

/** Network operations that need a policy's permission. */
export type NetOp = 'socket' | 'socketpair' | 'connect' | 'bind' | 'listen' | 'accept';

/** A network request: the socket's kind and, for connect and bind, the decoded address. */
export interface NetRequest {
  readonly op: NetOp;
  readonly family: SocketFamily;
  /** socket(2)'s domain number (AF_*). */
  readonly domain: number;
  readonly type: SocketType;
  /** SOCK_* type number (without SOCK_NONBLOCK/SOCK_CLOEXEC). */
  readonly sockType: number;
  readonly protocol: number;
  /** The socket's descriptor (calls on an existing socket). */
  readonly fd?: number;
  readonly address?: SockAddr;
}

/** A system call as decoded for the policy. */
export interface DecodedCall {
  /** The call that runs: for socketcall, the socket call it stands for. */
  readonly nr: number;
  readonly name: string;
  readonly via: 'socketcall' | null;
  /** The argument words the call uses (socketcall: the copied array, widened to six). */
  readonly args: Uint32Array;
  readonly decoded: readonly DecodedArg[];
  /** Set for calls that need network permission. */
  readonly net: NetRequest | null;
}

interface ArgSpec { readonly kind: ArgKind; readonly name: string; readonly len?: number }

// kind:name per register; sockaddr:name/N takes its length from argument N.
const TABLE: Record<number, string> = {
  5: 'path:pathname flags:flags mode:mode', 295: 'dirfd:dirfd path:pathname flags:flags mode:mode', 8: 'path:pathname mode:mode',
  39: 'path:pathname mode:mode', 296: 'dirfd:dirfd path:pathname mode:mode',
  14: 'path:pathname mode:mode uint:dev', 297: 'dirfd:dirfd path:pathname mode:mode uint:dev',
  40: 'path:pathname', 10: 'path:pathname', 301: 'dirfd:dirfd path:pathname flags:flags',
  38: 'path:oldpath path:newpath', 302: 'dirfd:olddirfd path:oldpath dirfd:newdirfd path:newpath',
  353: 'dirfd:olddirfd path:oldpath dirfd:newdirfd path:newpath flags:flags',
  9: 'path:oldpath path:newpath', 303: 'dirfd:olddirfd path:oldpath dirfd:newdirfd path:newpath flags:flags',
  83: 'path:target path:linkpath', 304: 'path:target dirfd:newdirfd path:linkpath',
  15: 'path:pathname mode:mode', 306: 'dirfd:dirfd path:pathname mode:mode',
  182: 'path:pathname uint:owner uint:group', 16: 'path:pathname uint:owner uint:group',
  212: 'path:pathname uint:owner uint:group', 198: 'path:pathname uint:owner uint:group',
  298: 'dirfd:dirfd path:pathname uint:owner uint:group flags:flags',
  320: 'dirfd:dirfd path?:pathname ptr:times flags:flags', 412: 'dirfd:dirfd path?:pathname ptr:times flags:flags',
  30: 'path:pathname ptr:times', 271: 'path:pathname ptr:times',
  92: 'path:pathname int:length', 193: 'path:pathname uint:length_lo uint:length_hi',
  12: 'path:pathname', 61: 'path:pathname',
  106: 'path:pathname ptr:statbuf', 107: 'path:pathname ptr:statbuf', 195: 'path:pathname ptr:statbuf', 196: 'path:pathname ptr:statbuf',
  300: 'dirfd:dirfd path?:pathname ptr:statbuf flags:flags', 383: 'dirfd:dirfd path?:pathname flags:flags uint:mask ptr:statxbuf',
  33: 'path:pathname mode:mode', 307: 'dirfd:dirfd path:pathname mode:mode', 439: 'dirfd:dirfd path:pathname mode:mode flags:flags',
  85: 'path:pathname ptr:buf size:bufsiz', 305: 'dirfd:dirfd path:pathname ptr:buf size:bufsiz',
  11: 'path:pathname argv:argv argv:envp', 358: 'dirfd:dirfd path?:pathname argv:argv argv:envp flags:flags',
  359: 'domain:domain socktype:type int:protocol', 360: 'domain:domain socktype:type int:protocol ptr:sv',
  361: 'fd:sockfd sockaddr:addr/2 uint:addrlen', 362: 'fd:sockfd sockaddr:addr/2 uint:addrlen', 363: 'fd:sockfd int:backlog',
  364: 'fd:sockfd ptr:addr ptr:addrlen flags:flags', 365: 'fd:sockfd int:level int:optname ptr:optval ptr:optlen',
  366: 'fd:sockfd int:level int:optname ptr:optval uint:optlen', 367: 'fd:sockfd ptr:addr ptr:addrlen',
  368: 'fd:sockfd ptr:addr ptr:addrlen', 369: 'fd:sockfd ptr:buf size:len flags:flags ptr:dest_addr uint:addrlen',
  370: 'fd:sockfd ptr:msg flags:flags', 371: 'fd:sockfd ptr:buf size:len flags:flags ptr:src_addr ptr:addrlen',
  372: 'fd:sockfd ptr:msg flags:flags', 373: 'fd:sockfd int:how',
};

const KINDS = new Set<string>(['int', 'uint', 'fd', 'dirfd', 'flags', 'mode', 'ptr', 'size', 'domain', 'socktype', 'path', 'path?', 'argv', 'sockaddr']);

/** The parsed table; a malformed row throws when the module loads, so a typo fails every test. */
export const ARG_SPECS: ReadonlyMap<number, readonly ArgSpec[]> = new Map(Object.entries(TABLE).map(([nr, row]) => [Number(nr), row.split(' ').map((w) => {
  const m = /^([a-z?]+):([a-z_]+)(?:\/(\d))?$/.exec(w);
  if (m === null || !KINDS.has(m[1]) || (m[1] === 'sockaddr') !== (m[3] !== undefined)) throw new Error(`decode-args: bad spec '${w}' for ${nr}`);
  return m[3] === undefined ? { kind: m[1] as ArgKind, name: m[2] } : { kind: m[1] as ArgKind, name: m[2], len: Number(m[3]) };
})]));

/** The socket calls: they are decoded (and denied without a policy) even when no policy hook is set. */
export const NET_CALLS: ReadonlySet<number> = new Set([102, ...Array.from({ length: 15 }, (_, i) => 359 + i)]);

const EFAULT = 14, ENAMETOOLONG = 36, E2BIG = 7;
const MAX_ARG_STRLEN = 32 * PAGE_SIZE, MAX_ARGS_TOTAL = 2 << 20;

/** A path exactly as readPath reads it (page by page, PATH_MAX): the byte string or an errno. */
function copyPath(p: LinuxProcess, address: number): string | number {
  const parts: Uint8Array[] = [];
  let len = 0, at = address >>> 0;
  try {
    while (len < PATH_MAX) {
      const chunk = Math.min(PAGE_SIZE - (at % PAGE_SIZE), PATH_MAX - len);
      const bytes = p.mem.readBytes(at, chunk);
      const nul = bytes.indexOf(0);
      if (nul >= 0) {
        parts.push(bytes.subarray(0, nul));
        return bytesToName(parts.length === 1 ? parts[0] : Buffer.concat(parts));
      }
      parts.push(bytes);
      len += chunk;
      at += chunk;
    }
  } catch {
    return EFAULT;
  }
  return ENAMETOOLONG;
}

/** An argv/envp array with execve's limits: the strings, or E2BIG / EFAULT. */
function copyArgv(p: LinuxProcess, array: number): Uint8Array[] | number {
  const out: Uint8Array[] = [];
  if (array === 0) return out;
  let total = 0;
  try {
    for (let i = 0; ; i++) {
      const ptr = p.mem.read32((array + 4 * i) >>> 0);
      if (ptr === 0) return out;
      const parts: Uint8Array[] = [];
      let at = ptr >>> 0, len = 0;
      for (;;) {
        const bytes = p.mem.readBytes(at, PAGE_SIZE - (at % PAGE_SIZE));
        const nul = bytes.indexOf(0);
        const take = nul >= 0 ? bytes.subarray(0, nul) : bytes;
        len += take.length;
        if (len + 1 > MAX_ARG_STRLEN) return E2BIG;
        parts.push(take);
        if (nul >= 0) break;
        at += bytes.length;
      }
      const s = parts.length === 1 ? parts[0] : Uint8Array.from(Buffer.concat(parts));
      total += s.length + 5;
      if (total > MAX_ARGS_TOTAL) return E2BIG;
      out.push(s);
    }
  } catch {
    return EFAULT;
  }
}

const freeze = <T>(x: T): T => Object.freeze(x);

/** The network request a socket call makes, or null when it needs no permission (or will fail first). */
function netRequest(p: LinuxProcess, nr: number, a: Uint32Array, addr: SockAddr | number | null): NetRequest | null {
  if (nr === 359 || nr === 360) {
    return freeze({ op: nr === 359 ? 'socket' : 'socketpair', family: familyName(a[0]), domain: a[0], type: typeName(a[1]), sockType: a[1] & 0xf, protocol: a[2] | 0 });
  }
  const op: NetOp | null = nr === 361 ? 'bind' : nr === 362 ? 'connect' : nr === 363 ? 'listen' : nr === 364 ? 'accept' : null;
  if (op === null) return null;
  const info = socketInfo(p.fds.get(a[0] | 0));
  // Not a socket: the call fails (EBADF, ENOTSOCK) without touching the network.
  if (info === null) return null;
  const base = { op, family: familyName(info.domain), domain: info.domain, type: typeName(info.type), sockType: info.type, protocol: info.protocol, fd: a[0] | 0 };
  if (op === 'bind' || op === 'connect') {
    // An address that cannot be read fails the call (EFAULT, EINVAL) before any connection.
    if (addr === null || typeof addr === 'number') return null;
    return freeze({ ...base, address: addr });
  }
  return freeze(base);
}

/** Copies and decodes the arguments of call `nr` (registers `regs`) for the policy and the handler. */
export function copyArgs(p: LinuxProcess, nr: number, name: string, regs: Uint32Array): CallCopies {
  const c = new CallCopies();
  let args = regs;
  let via: 'socketcall' | null = null;
  if (nr === 102) {
    const sub = SOCKETCALLS[regs[0]];
    if (sub === undefined) {
      c.call = freeze({ nr, name, via: null, args: regs.slice(), decoded: freeze([{ name: 'call', kind: 'int', value: regs[0] | 0 }]), net: null });
      return c;
    }
    let words: Uint32Array;
    try {
      const b = p.mem.readBytes(regs[1], sub.count * 4);
      words = new Uint32Array(6);
      for (let i = 0; i < sub.count; i++) words[i] = b[4 * i] | (b[4 * i + 1] << 8) | (b[4 * i + 2] << 16) | (b[4 * i + 3] << 24);
    } catch {
      c.socketArgs = EFAULT;
      c.call = freeze({ nr, name, via: null, args: regs.slice(), decoded: freeze([{ name: 'call', kind: 'int', value: regs[0] }, { name: 'args', kind: 'ptr', value: regs[1] }]), net: null });
      return c;
    }
    c.socketArgs = sub.widen(words);
    args = c.socketArgs;
    nr = sub.nr;
    name = sub.name;
    via = 'socketcall';
  }
  const specs = ARG_SPECS.get(nr) ?? [];
  const decoded: DecodedArg[] = [];
  let addr: SockAddr | number | null = null;
  specs.forEach((s, i) => {
    const v = args[i];
    switch (s.kind) {
      case 'path': case 'path?': {
        if (s.kind === 'path?' && v === 0) { decoded.push(freeze({ name: s.name, kind: 'path', value: null })); break; }
        const r = c.paths.get(v) ?? copyPath(p, v);
        c.paths.set(v, r);
        decoded.push(freeze(typeof r === 'number' ? { name: s.name, kind: 'path', value: null, errno: r } : { name: s.name, kind: 'path', value: r }));
        break;
      }
      case 'argv': {
        const r = copyArgv(p, v);
        c.argvs.set(v, r);
        decoded.push(freeze(typeof r === 'number' ? { name: s.name, kind: 'argv', value: null, errno: r }
          : { name: s.name, kind: 'argv', value: freeze(r.map((b) => Buffer.from(b).toString('latin1'))) }));
        break;
      }
      case 'sockaddr': {
        const len = args[s.len!];
        const r = decodeSockaddr(p.mem, v, len);
        const value = typeof r === 'number' ? r : freeze(r);
        c.sockaddrs.set(`${v}:${len}`, value);
        addr = value;
        decoded.push(freeze(typeof value === 'number' ? { name: s.name, kind: 'sockaddr', value: null, errno: value } : { name: s.name, kind: 'sockaddr', value }));
        break;
      }
      case 'int': case 'fd': case 'dirfd': decoded.push(freeze({ name: s.name, kind: s.kind, value: v | 0 })); break;
      default: decoded.push(freeze({ name: s.name, kind: s.kind, value: v >>> 0 }));
    }
  });
  const net = NET_CALLS.has(nr) ? netRequest(p, nr, args, addr) : null;
  c.call = freeze({ nr, name, via, args: args.slice(), decoded: freeze(decoded), net });
  return c;
}

/** The hooks a call is judged by (the embedding API's Account implements them). */
export interface CallHooks {
  /** null: no opinion (the default applies); 'allow': explicitly allowed; a negative errno refuses. */
  syscall?(p: LinuxProcess, call: DecodedCall): number | 'allow' | null;
  /** Network requests: only 'allow' lets one through; null (no opinion) is the default, EACCES. */
  network?(p: LinuxProcess, req: NetRequest): number | 'allow' | null;
}

/** Network calls no policy allowed fail with this: "permission denied", as a firewall rule or LSM says. */
export const NET_DENIED = 13; // EACCES

/**
 * Judges a call: null lets it run, a negative errno refuses it. Ordinary calls run unless the
 * syscall hook refuses them; a network request needs an explicit 'allow' from the network hook
 * (or from the syscall hook), else it fails with EACCES: network is default-deny.
 */
export function admitCall(p: LinuxProcess, c: CallCopies, hooks: CallHooks | null): number | null {
  const v = hooks?.syscall?.(p, c.call) ?? null;
  if (typeof v === 'number') return v < 0 ? v : -v;
  const net = c.call.net;
  if (net !== null) {
    if (v !== 'allow') {
      const n = hooks?.network?.(p, net) ?? null;
      if (n !== 'allow') return typeof n === 'number' ? -Math.abs(n) : -NET_DENIED;
    }
    c.netAllowed = true;
  }
  return null;
}
