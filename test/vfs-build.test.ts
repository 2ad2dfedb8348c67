// The view `vxts run` builds: mount specifications, the host's current directory at its own
// path, mounts nested in mounts (with or without a directory for them on the host), a mount
// replacing /tmp, and clear errors for what cannot be mounted or entered.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { attachFs, buildVfs, MountError, parseMountSpec } from '../src/linux/vfs/index';
import { bytes, call, cstr, DATA, makeProc, NR, O } from './support/vfs';

let host: string;
beforeAll(() => {
  host = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vxts-build-')));
  fs.mkdirSync(path.join(host, 'proj', 'src'), { recursive: true });
  fs.writeFileSync(path.join(host, 'proj', 'src', 'main.c'), 'int main;\n');
  fs.mkdirSync(path.join(host, 'data'));
  fs.writeFileSync(path.join(host, 'data', 'd.txt'), 'data\n');
});
afterAll(() => { fs.rmSync(host, { recursive: true, force: true }); });

test('mount specifications', () => {
  expect(parseMountSpec('/a:/b')).toEqual({ host: '/a', guest: '/b', readOnly: false });
  expect(parseMountSpec('rel/dir:/b:ro')).toEqual({ host: 'rel/dir', guest: '/b', readOnly: true });
  expect(parseMountSpec('/a:/b:rw')).toEqual({ host: '/a', guest: '/b', readOnly: false });
  for (const bad of ['/a', ':/b', '/a:', '/a:/b:xx', '/a:/b:ro:ro']) expect(() => parseMountSpec(bad)).toThrow(MountError);
});

test('bad mounts are one-line errors naming the problem', () => {
  expect(() => buildVfs({ cwd: null, mounts: [{ host: path.join(host, 'nope'), guest: '/x' }] })).toThrow(/does not exist/);
  expect(() => buildVfs({ cwd: null, mounts: [{ host: path.join(host, 'data', 'd.txt'), guest: '/x' }] })).toThrow(/not a directory/);
  expect(() => buildVfs({ cwd: null, mounts: [{ host, guest: 'relative' }] })).toThrow(/absolute/);
  expect(() => buildVfs({ cwd: null, mounts: [{ host, guest: '/a/../b' }] })).toThrow(/'\.\.'/);
});

test('the current directory appears at its own path, with the process starting there', () => {
  const cwd = path.join(host, 'proj');
  const vfs = buildVfs({ cwd });
  const p = makeProc(vfs);
  const n = call(p, NR.getcwd, DATA, 4096);
  expect(bytes(p, DATA, n).toString()).toBe(`${cwd}\0`);
  const fd = call(p, NR.open, cstr(p, 'src/main.c'), O.RDONLY, 0);
  expect(call(p, NR.read, fd, DATA, 100)).toBe(10);
  // Its parent directories exist in the guest, but hold nothing of the host.
  expect(call(p, NR.stat64, cstr(p, path.join(host, 'data')), DATA)).toBe(-2);
  expect(call(p, NR.stat64, cstr(p, host), DATA)).toBe(0);
});

test('a mount inside a host mount is reachable even where the host has no directory for it', () => {
  const vfs = buildVfs({ cwd: null, mounts: [
    { host: path.join(host, 'proj'), guest: '/p' },
    { host: path.join(host, 'data'), guest: '/p/src/data', readOnly: true },
    { host: path.join(host, 'data'), guest: '/p/virtual' },
  ] });
  const p = makeProc(vfs, '/p');
  expect(call(p, NR.open, cstr(p, '/p/src/data/d.txt'), O.RDONLY, 0)).toBeGreaterThanOrEqual(0);
  expect(call(p, NR.open, cstr(p, 'virtual/d.txt'), O.RDONLY, 0)).toBeGreaterThanOrEqual(0);
  expect(fs.existsSync(path.join(host, 'proj', 'virtual'))).toBe(false);
  // The mount point shows up in its parent's listing; it cannot be removed or renamed.
  const dir = call(p, NR.open, cstr(p, '/p'), O.RDONLY | O.DIRECTORY, 0);
  const len = call(p, NR.getdents64, dir, DATA, 4096);
  expect(bytes(p, DATA, len).toString('latin1')).toContain('virtual\0');
  expect(call(p, NR.rmdir, cstr(p, '/p/virtual'))).toBe(-16);
  expect(call(p, NR.rename, cstr(p, '/p/src/data'), cstr(p, '/p/moved'))).toBe(-16);
});

test('a host directory can replace /tmp, and attachFs refuses a cwd the guest cannot see', () => {
  const vfs = buildVfs({ cwd: null, mounts: [{ host: path.join(host, 'data'), guest: '/tmp' }] });
  const p = makeProc(vfs, '/tmp');
  expect(call(p, NR.access, cstr(p, 'd.txt'), 4)).toBe(0);
  expect(() => attachFs(p, vfs, '/nowhere')).toThrow(/cannot start in \/nowhere/);
  expect(() => attachFs(p, vfs, '/tmp/d.txt')).toThrow(/cannot start/);
});
