// CPUID as the guest sees it, built from the tenant's feature set (decoder/validate.ts
// CpuFeatures), so what CPUID reports and what the validator admits never disagree.
// Default: an i686 with FPU, TSC, CX8 and CMOV only (see docs/DECODER.md).

import type { CpuFeatures } from '../../decoder/validate.js';
import type { IsaExt } from '../../decoder/types.js';

const EDX_BITS: [IsaExt, number][] = [
  ['x87', 0], ['cx8', 8], ['cmov', 15], ['mmx', 23], ['fxsr', 24], ['sse', 25], ['sse2', 26], ['clflush', 19],
];
const ECX_BITS: [IsaExt, number][] = [
  ['sse3', 0], ['pclmul', 1], ['ssse3', 9], ['sse41', 19], ['sse42', 20], ['movbe', 22], ['popcnt', 23],
  ['aes', 25], ['xsave', 26], ['rdrand', 30],
];

/** "GenuineIntel" in EBX, EDX, ECX order: glibc and musl take the Intel paths they know. */
const VENDOR = [0x756e6547, 0x49656e69, 0x6c65746e];

export class Cpuid {
  private readonly edx1: number;
  private readonly ecx1: number;

  constructor(features: CpuFeatures) {
    let edx = 1 << 4; // TSC: RDTSC is always available (per-tenant clock)
    for (const [ext, bit] of EDX_BITS) if (features.has(ext)) edx |= 1 << bit;
    let ecx = 0;
    for (const [ext, bit] of ECX_BITS) if (features.has(ext)) ecx |= 1 << bit;
    this.edx1 = edx;
    this.ecx1 = ecx;
  }

  /** Fills out[0..3] with EAX, EBX, ECX, EDX for the leaf. Unknown leaves read as zero. */
  cpuid(leaf: number, _subleaf: number, out: Int32Array): void {
    out.fill(0);
    switch (leaf) {
      case 0:
        out[0] = 1; out[1] = VENDOR[0]; out[3] = VENDOR[1]; out[2] = VENDOR[2];
        break;
      case 1:
        // Family 6, model 15 (a Core 2 class signature); one logical processor.
        out[0] = 0x6f1; out[1] = 0x00010000; out[2] = this.ecx1; out[3] = this.edx1;
        break;
      case 0x80000000:
        out[0] = 0x80000001;
        break;
      default:
        break;
    }
  }
}
