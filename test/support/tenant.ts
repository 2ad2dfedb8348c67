// A tenant's whole output and its result, for tests of the embedding API.

import type { TenantHandle, TenantResult } from '../../src/index';

export interface Outcome { out: string; err: string; r: TenantResult }

/** Reads stdout and stderr to their end (UTF-8) and waits for the tenant's result. */
export function outcome(t: TenantHandle): Promise<Outcome> {
  return outcomeAs(t, 'utf8');
}

/** outcome() with the output decoded as `encoding`. */
export async function outcomeAs(t: TenantHandle, encoding: BufferEncoding): Promise<Outcome> {
  const text = (s: NodeJS.ReadableStream): Promise<string> => new Promise((res) => {
    const c: Buffer[] = [];
    s.on('data', (b: Buffer) => c.push(b));
    s.on('end', () => res(Buffer.concat(c).toString(encoding)));
  });
  const [out, err, r] = await Promise.all([text(t.stdout), text(t.stderr), t.exited]);
  return { out, err, r };
}
