// Small pieces of JavaScript source the emitter (emitter-js.ts) builds from: constants, size
// conversions, the inline fast paths of memory accesses, and conditions fused with the lazy
// flags of a known operation. Every piece is made of names and numbers formatted here.

import { Cc } from '../../src/cpu/flags.js';
import type { Size } from '../emitter.js';

/** A constant as source (negative numbers parenthesised); only finite numbers, as int32. */
export function num(n: number): string {
  if (!Number.isFinite(n)) throw new Error('emitter: non-finite constant');
  const i = n | 0;
  return i < 0 ? `(${i})` : String(i);
}

export function signExtend(x: string, size: number): string {
  return size === 1 ? `((${x}) << 24 >> 24)` : size === 2 ? `((${x}) << 16 >> 16)` : `((${x}) | 0)`;
}

export function unsigned(x: string, size: number): string {
  return size === 4 ? `((${x}) >>> 0)` : `(${x})`;
}

export function masked(x: string, size: number): string {
  return size === 1 ? `((${x}) & 255)` : size === 2 ? `((${x}) & 65535)` : `((${x}) | 0)`;
}

/**
 * A load of `size` bytes at address local `a`: the inline fast path's test (the page readable,
 * the access inside it), the read itself, and the checked slow path (page-crossing, unmapped,
 * outside the arena).
 */
export function loadCode(a: string, size: Size): { fast: string; read: string; slow: string } {
  const fast = size === 4 ? `(pm[${a} >>> 12] & 1) !== 0 && (${a} & 4095) <= 4092` : size === 2 ? `(pm[${a} >>> 12] & 1) !== 0 && (${a} & 4095) <= 4094` : `(pm[${a} >>> 12] & 1) !== 0`;
  const read = size === 4 ? `dv.getInt32(${a}, true)` : size === 2 ? `dv.getUint16(${a}, true)` : `u8[${a}]`;
  return { fast, read, slow: `m.read${size * 8}(${a})` };
}

/** A store: the fast path also needs the page free of translated code (Perm.Code, bit 8). */
export function storeCode(a: string, size: Size, x: string): { fast: string; write: string; slow: string } {
  const fast = size === 4 ? `(pm[${a} >>> 12] & 10) === 2 && (${a} & 4095) <= 4092` : size === 2 ? `(pm[${a} >>> 12] & 10) === 2 && (${a} & 4095) <= 4094` : `(pm[${a} >>> 12] & 10) === 2`;
  const write = size === 4 ? `dv.setInt32(${a}, ${x}, true)` : size === 2 ? `dv.setUint16(${a}, ${x}, true)` : `u8[${a}] = ${x}`;
  return { fast, write, slow: `m.write${size * 8}(${a}, ${x})` };
}

/**
 * Condition `cc` (even: the positive form) computed straight from the operands of the lazy
 * flags' operation `knownOp` (a CMP, SUB, TEST, AND, ...: fusion), or null when it needs the
 * flags helper.
 */
export function fusedCondition(knownOp: number, cc: number): string | null {
  if (knownOp < 0) return null;
  const kind = knownOp >> 2;
  const size = [1, 2, 4][knownOp & 3];
  const zero = `${masked('cd', size)} === 0`;
  const negative = `${signExtend('cd', size)} < 0`;
  if (kind === Cc.Sub) {
    switch (cc) {
      case 2: return `${unsigned('fa', size)} < ${unsigned('cs', size)}`;
      case 4: return zero;
      case 6: return `${unsigned('fa', size)} <= ${unsigned('cs', size)}`;
      case 8: return negative;
      case 12: return `${signExtend('fa', size)} < ${signExtend('cs', size)}`;
      case 14: return `${signExtend('fa', size)} <= ${signExtend('cs', size)}`;
      default: return null;
    }
  }
  if (kind === Cc.Logic) {
    switch (cc) {
      case 0: case 2: return 'false';
      case 4: case 6: return zero;
      case 8: case 12: return negative;
      case 14: return `${signExtend('cd', size)} <= 0`;
      default: return null;
    }
  }
  if (kind === Cc.Inc || kind === Cc.Dec) {
    if (cc === 2) return '(c2 & 1) !== 0'; // INC/DEC keep the CF they were given
  }
  if (kind === Cc.Add) {
    if (cc === 2) return `${unsigned('cd', size)} < ${unsigned('cs', size)}`;
  }
  if (kind === Cc.Add || kind === Cc.Inc || kind === Cc.Dec || kind === Cc.Adc || kind === Cc.Sbb) {
    if (cc === 4) return zero;
    if (cc === 8) return negative;
  }
  return null;
}
