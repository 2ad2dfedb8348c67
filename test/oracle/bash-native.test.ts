// Debian's bash-static:i386 under vxts against Debian's bash-static:amd64 (the same version, from
// test/oracle/fetch-natives.sh) run natively: each script of test/oracle/bash-scripts runs as
// `bash SCRIPT` in the same fresh directory with the same fixed environment; stdout, stderr and
// exit status must be equal byte for byte. Known failures are listed in
// test/oracle/busybox-known-failures.json under "bash:SCRIPT" and must still fail.

import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runNative, runUnderVxts } from './native-harness';

const ROOT = join(__dirname, '..', '..');
const I386 = join(ROOT, '.cache', 'natives', 'bash-i386');
const AMD64 = join(ROOT, '.cache', 'natives', 'bash-amd64');
const SCRIPTS = join(__dirname, 'bash-scripts');
const WORK = join(ROOT, '.cache', 'oracle-work', 'bash');
const ENV = ['PATH=/nonexistent', 'HOME=/', 'TZ=UTC', 'LC_ALL=C', 'LANG=C'];
const have = existsSync(I386) && existsSync(AMD64);
const known = JSON.parse(readFileSync(join(__dirname, 'busybox-known-failures.json'), 'utf8')) as Record<string, string>;
const scripts = readdirSync(SCRIPTS).filter((f) => f.endsWith('.sh')).sort();

function fresh(): string {
  rmSync(WORK, { recursive: true, force: true });
  require('node:fs').mkdirSync(WORK, { recursive: true });
  return WORK;
}

describe.each(scripts)('bash %s', (script) => {
  const maybe = have ? test : test.skip;
  const why = known[`bash:${script}`];
  maybe(why === undefined ? 'bash:i386 under vxts matches bash:amd64 natively' : `still differs (known failure: ${why})`, async () => {
    const path = join(SCRIPTS, script);
    const native = runNative(AMD64, [path], fresh(), ENV);
    const vxts = await runUnderVxts(I386, [path], fresh(), [SCRIPTS], ENV);
    rmSync(WORK, { recursive: true, force: true });
    const show = (o: typeof native) => ({ status: o.status, stdout: o.stdout.toString('latin1'), stderr: o.stderr.toString('latin1') });
    const same = vxts.status === native.status && vxts.stdout.equals(native.stdout) && vxts.stderr.equals(native.stderr);
    if (why === undefined) {
      expect(show(vxts)).toEqual(show(native));
      expect(same).toBe(true);
    } else if (same) {
      throw new Error(`bash ${script} now matches: remove bash:${script} from test/oracle/busybox-known-failures.json`);
    }
  });
});
