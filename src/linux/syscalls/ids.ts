// User and group IDs in both i386 forms: the original 16-bit calls (IDs above 65535 read as
// the overflow ID 65534, and 0xffff means "unchanged" where -1 would) and the *32 calls. The
// caller is unprivileged, so a set*id call may only choose among the IDs it already has
// (credentials(7)); anything else is EPERM, exactly as for a normal user on Linux.

import { EFAULT, EINVAL, EPERM } from '../errno.js';
import type { Credentials } from '../identity.js';
import type { LinuxProcess } from '../process.js';
import { defineSyscall } from './registry.js';

const OVERFLOW_ID = 65534;
const UNCHANGED = -1;

const low = (id: number): number => (id > 0xffff ? OVERFLOW_ID : id);
/** An ID argument: the 16-bit forms widen 0xffff to -1 (low2highuid). */
const arg = (v: number, wide: boolean): number => (wide ? v | 0 : (v & 0xffff) === 0xffff ? UNCHANGED : v & 0xffff);

type Which = 'u' | 'g';
const ids = (c: Credentials, w: Which): [number, number, number] => (w === 'u' ? [c.uid, c.euid, c.suid] : [c.gid, c.egid, c.sgid]);
function setIds(c: Credentials, w: Which, r: number, e: number, s: number): void {
  if (w === 'u') { c.uid = r; c.euid = e; c.suid = s; c.fsuid = e; } else { c.gid = r; c.egid = e; c.sgid = s; c.fsgid = e; }
}

/** setuid/setgid: an unprivileged caller may set the effective ID to its real or saved ID. */
function setOne(p: LinuxProcess, w: Which, id: number): number {
  const [r, e, s] = ids(p.creds, w);
  if (id === UNCHANGED) return -EINVAL;
  if (id !== r && id !== s && id !== e) return -EPERM;
  setIds(p.creds, w, r, id, s);
  return 0;
}

/** setreuid/setregid (setreuid(2)): real may become effective; effective one of the three. */
function setRe(p: LinuxProcess, w: Which, nr: number, ne: number): number {
  const [r, e, s] = ids(p.creds, w);
  if (nr !== UNCHANGED && nr !== r && nr !== e) return -EPERM;
  if (ne !== UNCHANGED && ne !== r && ne !== e && ne !== s) return -EPERM;
  const newR = nr === UNCHANGED ? r : nr, newE = ne === UNCHANGED ? e : ne;
  // The saved ID follows the effective one when the real ID is set or the effective changes away from it.
  const newS = nr !== UNCHANGED || (ne !== UNCHANGED && ne !== r) ? newE : s;
  setIds(p.creds, w, newR, newE, newS);
  return 0;
}

/** setresuid/setresgid: each new ID must be unchanged or one of the current three. */
function setRes(p: LinuxProcess, w: Which, nr: number, ne: number, ns: number): number {
  const cur = ids(p.creds, w);
  for (const v of [nr, ne, ns]) if (v !== UNCHANGED && !cur.includes(v)) return -EPERM;
  const [r, e, s] = cur;
  setIds(p.creds, w, nr === UNCHANGED ? r : nr, ne === UNCHANGED ? e : ne, ns === UNCHANGED ? s : ns);
  return 0;
}

/** setfsuid/setfsgid return the old ID always; the change happens only to a permitted ID. */
function setFs(p: LinuxProcess, w: Which, id: number): number {
  const c = p.creds;
  const old = w === 'u' ? c.fsuid : c.fsgid;
  const allowed = [...ids(c, w), old];
  if (id !== UNCHANGED && allowed.includes(id)) {
    if (w === 'u') c.fsuid = id; else c.fsgid = id;
  }
  return old;
}

function getRes(p: LinuxProcess, w: Which, a: Uint32Array, wide: boolean): number {
  const vals = ids(p.creds, w).map((v) => (wide ? v : low(v)));
  const size = wide ? 4 : 2;
  for (let i = 0; i < 3; i++) {
    const bytes = new Uint8Array(size);
    const v = new DataView(bytes.buffer);
    if (wide) v.setUint32(0, vals[i], true); else v.setUint16(0, vals[i], true);
    p.mem.writeBytes(a[i], bytes);
  }
  return 0;
}

function getGroups(p: LinuxProcess, a: Uint32Array, wide: boolean): number {
  const size = a[0] | 0;
  const groups = p.creds.groups;
  if (size < 0) return -EINVAL;
  if (size === 0) return groups.length;
  if (size < groups.length) return -EINVAL;
  const width = wide ? 4 : 2;
  const out = new Uint8Array(groups.length * width);
  const v = new DataView(out.buffer);
  groups.forEach((g, i) => (wide ? v.setUint32(i * 4, g, true) : v.setUint16(i * 2, low(g), true)));
  if (out.length > 0) {
    if (a[1] === 0) return -EFAULT;
    p.mem.writeBytes(a[1], out);
  }
  return groups.length;
}

for (const wide of [false, true]) {
  const n = (old: number, w32: number): number => (wide ? w32 : old);
  const sfx = wide ? '32' : '';
  defineSyscall(n(24, 199), `getuid${sfx}`, (p) => (wide ? p.creds.uid : low(p.creds.uid)));
  defineSyscall(n(47, 200), `getgid${sfx}`, (p) => (wide ? p.creds.gid : low(p.creds.gid)));
  defineSyscall(n(49, 201), `geteuid${sfx}`, (p) => (wide ? p.creds.euid : low(p.creds.euid)));
  defineSyscall(n(50, 202), `getegid${sfx}`, (p) => (wide ? p.creds.egid : low(p.creds.egid)));
  defineSyscall(n(23, 213), `setuid${sfx}`, (p, a) => setOne(p, 'u', arg(a[0], wide)));
  defineSyscall(n(46, 214), `setgid${sfx}`, (p, a) => setOne(p, 'g', arg(a[0], wide)));
  defineSyscall(n(70, 203), `setreuid${sfx}`, (p, a) => setRe(p, 'u', arg(a[0], wide), arg(a[1], wide)));
  defineSyscall(n(71, 204), `setregid${sfx}`, (p, a) => setRe(p, 'g', arg(a[0], wide), arg(a[1], wide)));
  defineSyscall(n(164, 208), `setresuid${sfx}`, (p, a) => setRes(p, 'u', arg(a[0], wide), arg(a[1], wide), arg(a[2], wide)));
  defineSyscall(n(170, 210), `setresgid${sfx}`, (p, a) => setRes(p, 'g', arg(a[0], wide), arg(a[1], wide), arg(a[2], wide)));
  defineSyscall(n(165, 209), `getresuid${sfx}`, (p, a) => getRes(p, 'u', a, wide));
  defineSyscall(n(171, 211), `getresgid${sfx}`, (p, a) => getRes(p, 'g', a, wide));
  defineSyscall(n(138, 215), `setfsuid${sfx}`, (p, a) => setFs(p, 'u', arg(a[0], wide)));
  defineSyscall(n(139, 216), `setfsgid${sfx}`, (p, a) => setFs(p, 'g', arg(a[0], wide)));
  defineSyscall(n(80, 205), `getgroups${sfx}`, (p, a) => getGroups(p, a, wide));
  // Changing the supplementary groups needs CAP_SETGID.
  defineSyscall(n(81, 206), `setgroups${sfx}`, () => -EPERM);
}
