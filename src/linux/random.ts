// A process's source of randomness (AT_RANDOM, getrandom, /dev/urandom): the host's CSPRNG by
// default, or a deterministic stream from a seed for reproducible tests. The seeded stream is
// SHA-256 over (seed, block counter): simple, well distributed, and identical on every host.

import { createHash, randomFillSync } from 'node:crypto';

export interface RandomSource {
  /** Fills `buf` with random bytes. */
  fill(buf: Uint8Array): void;
  /** True when the bytes are reproducible (a seed was given). */
  readonly deterministic: boolean;
}

export function cryptoRandom(): RandomSource {
  return { deterministic: false, fill: (buf) => { randomFillSync(buf); } };
}

export function seededRandom(seed: string | number): RandomSource {
  let counter = 0;
  let pool = new Uint8Array(0);
  let used = 0;
  return {
    deterministic: true,
    fill(buf: Uint8Array): void {
      for (let i = 0; i < buf.length; i++) {
        if (used === pool.length) {
          pool = new Uint8Array(createHash('sha256').update(`${seed}:${counter++}`).digest());
          used = 0;
        }
        buf[i] = pool[used++];
      }
    },
  };
}
