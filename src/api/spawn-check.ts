// The checks that can fail a spawn before anything is loaded, so that Sandbox.spawn throws
// SpawnError synchronously even when the tenant itself starts later: on a worker thread
// (worker-pool.ts), or when it waits for a resident slot (Sandbox's queue). The ELF image is
// checked by the loader's own planner (no arena needed), the mounts by building the file view.

import { layoutFor, planImage } from '../loader/index.js';
import { windowFor } from '../loader/layout.js';
import { buildVfs } from '../linux/vfs/index.js';
import { SpawnError } from './spawn-error.js';

/** The arena window prepare() will use for these options (the layout the image must fit). */
export interface CheckOptions {
  readonly addressSpace?: number;
  readonly limits?: { readonly memory?: number };
  readonly mounts?: readonly { host: string; guest: string; readOnly?: boolean }[];
}

/**
 * Throws SpawnError when `bytes` cannot load as `name` with these options. `verdicts` caches the
 * planner's verdict per window (null: it loads) for callers that check one program often.
 */
export function checkSpawn(bytes: Uint8Array, name: string, o: CheckOptions, verdicts?: Map<number, string | null>): void {
  const window = o.addressSpace ?? windowFor(o.limits?.memory);
  let verdict = verdicts?.get(window);
  if (verdict === undefined) {
    try {
      planImage(bytes, name, layoutFor(window));
      verdict = null;
    } catch (e) {
      verdict = (e as Error).message;
    }
    verdicts?.set(window, verdict);
  }
  if (verdict !== null) throw new SpawnError(verdict);
  if (o.mounts !== undefined && o.mounts.length > 0) {
    try {
      buildVfs({ cwd: null, mounts: o.mounts, tty: null });
    } catch (e) {
      throw new SpawnError((e as Error).message, { cause: e });
    }
  }
}
