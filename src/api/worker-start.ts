// Starting a worker thread on worker-entry, from the compiled package or from the TypeScript
// sources.
//
// Compiled (dist/src/api/*.js, what the package ships): worker-entry.js sits next to this file
// and Node runs it directly.
//
// From the sources (jest, whose swc transform turns this file into CommonJS in memory and
// `import.meta.url` into this .ts file's URL): Node cannot run worker-entry.ts, and jest's
// transform does not reach into worker threads. The worker then starts from a few lines of
// JavaScript that register module hooks (node:module register, Node >= 20.6) which map the
// sources' './x.js' imports to './x.ts' and strip types with @swc/core (the same compiler jest
// uses, a dev dependency), then import worker-entry.ts. So tests exercise the current sources,
// not a dist/ that may be stale, and need no build first.

import { Worker } from 'node:worker_threads';
import type { WorkerInit } from './worker-protocol.js';

/** Module hooks for the TypeScript sources, run on Node's hooks thread (hence plain JavaScript). */
const TS_HOOKS = `
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
let swc;
export function initialize(data) { swc = createRequire(data.root)('@swc/core'); }
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent !== undefined && parent.endsWith('.ts') && /^\\.\\.?\\//.test(specifier) && specifier.endsWith('.js')) {
    const url = new URL(specifier.slice(0, -3) + '.ts', parent);
    if (existsSync(fileURLToPath(url))) return { url: url.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
    filename, jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
`;

/** Starts a worker running worker-entry with `init` as its workerData. */
export function startWorker(init: WorkerInit): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker-entry.js', here), { workerData: init });
  const entry = new URL('./worker-entry.ts', here).href;
  // The repository root (for require('@swc/core')): src/api/ is two levels below it.
  const root = new URL('../../package.json', here).href;
  const boot = `
    const { register } = require('node:module');
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(TS_HOOKS)}), { data: { root: ${JSON.stringify(root)} } });
    import(${JSON.stringify(entry)}).catch((e) => { setImmediate(() => { throw e; }); });
  `;
  return new Worker(boot, { eval: true, workerData: init });
}
