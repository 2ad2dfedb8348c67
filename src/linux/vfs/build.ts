// Building a guest's view of files from options: the CLI's default (the host's current
// directory read-write at the same guest path, /tmp as tmpfs, /dev, /proc) plus --mount
// HOSTDIR:GUESTDIR[:ro] mounts. Everything else of the host stays invisible: the root is an
// in-memory directory holding only the mount points.

import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { makeDevfs } from './devfs.js';
import { HostFs } from './hostfs.js';
import { makeProcfs } from './procfs.js';
import type { HostStdio } from './stdio.js';
import { TmpFs, type TmpfsOptions } from './tmpfs.js';
import { type FileSystem, fromHostString } from './types.js';
import { Vfs } from './vfs.js';

export interface MountSpec {
  /** Host directory (made absolute against the host's cwd). */
  host: string;
  /** Absolute guest path. */
  guest: string;
  readOnly?: boolean;
}

export interface VfsOptions {
  /** Host directory to mount read-write at the same guest path (default process.cwd(); null for none). */
  cwd?: string | null;
  /** More mounts, applied after the defaults (a mount at an existing path replaces it). */
  mounts?: readonly MountSpec[];
  /** Mount a tmpfs at /tmp (default true), with these limits. */
  tmp?: boolean;
  tmpfs?: TmpfsOptions;
  /** /dev/tty's terminal: hostStdio(...).tty. */
  tty?: HostStdio['tty'];
  /** File times of the synthetic file systems, ns since the epoch (default: now). */
  now?: bigint;
}

/** A clear one-line error for the CLI. */
export class MountError extends Error {}

/** "HOSTDIR:GUESTDIR[:ro]" (or ":rw"). */
export function parseMountSpec(spec: string): MountSpec {
  const parts = spec.split(':');
  let readOnly = false;
  if (parts.length === 3 && (parts[2] === 'ro' || parts[2] === 'rw')) readOnly = parts.pop() === 'ro';
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new MountError(`bad --mount ${JSON.stringify(spec)}: use HOSTDIR:GUESTDIR or HOSTDIR:GUESTDIR:ro`);
  }
  return { host: parts[0], guest: parts[1], readOnly };
}

/** An absolute guest path without '.', '..' or repeated slashes, as the VFS's byte string. */
export function normalizeGuestPath(p: string): string {
  if (!p.startsWith('/')) throw new MountError(`guest path ${JSON.stringify(p)} must be absolute`);
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) throw new MountError(`guest path ${JSON.stringify(p)} must not contain '..'`);
  return fromHostString(`/${parts.join('/')}`);
}

export function buildVfs(o: VfsOptions = {}): Vfs {
  const now = o.now ?? BigInt(Date.now()) * 1_000_000n;
  // The root holds nothing but the way to the mount points (the VFS shows those by itself).
  const vfs = new Vfs(new TmpFs({ maxBytes: 1 << 20, maxInodes: 4096 }, now), false, now);
  const specs: MountSpec[] = [];
  const cwd = o.cwd === undefined ? process.cwd() : o.cwd;
  if (cwd !== null) specs.push({ host: cwd, guest: nodePath.resolve(cwd), readOnly: false });
  for (const m of o.mounts ?? []) specs.push(m);

  // Later entries win at the same path: the defaults first, then the current directory, then
  // the user's mounts (so `--mount DIR:/tmp` replaces the tmpfs).
  const places: [string, () => FileSystem, boolean][] = [];
  if (o.tmp !== false) places.push(['/tmp', () => new TmpFs({ rootMode: 0o1777, ...o.tmpfs }, now), false]);
  places.push(['/dev', () => makeDevfs(o.tty ?? null, now), false]);
  places.push(['/proc', () => makeProcfs(now), false]);
  for (const s of specs) {
    const hostDir = nodePath.resolve(s.host);
    let st: fs.Stats;
    try {
      st = fs.statSync(hostDir);
    } catch {
      throw new MountError(`cannot mount ${hostDir}: it does not exist`);
    }
    if (!st.isDirectory()) throw new MountError(`cannot mount ${hostDir}: it is not a directory`);
    places.push([normalizeGuestPath(s.guest), () => new HostFs(hostDir, s.readOnly === true), s.readOnly === true]);
  }
  const chosen = new Map<string, (typeof places)[number]>();
  for (const pl of places) chosen.set(pl[0], pl);
  for (const [path, make, readOnly] of chosen.values()) {
    if (path === '/') vfs.replaceRoot(make(), readOnly);
    else vfs.mount(path, make(), readOnly);
  }
  vfs.defaultCwd = cwd !== null ? normalizeGuestPath(nodePath.resolve(cwd)) : '/';
  return vfs;
}
