// Types for the parts of capstone-wasm the tests use. The package ships an index.d.ts but its
// package.json "exports" map does not name it, so NodeNext resolution cannot find it (TS7016).
// Only what test/support/capstone.ts calls is declared here.

declare module 'capstone-wasm' {
  export interface Insn {
    id: number;
    address: number | bigint;
    size: number;
    bytes: Uint8Array;
    mnemonic: string;
    opStr: string;
  }
  export class Capstone {
    constructor(arch: number, mode: number);
    disasm(data: number[] | Uint8Array, options?: { address?: number | bigint; count?: number }): Insn[];
    close(): void;
    static version(): { major: number; minor: number };
  }
  export const Const: { readonly CS_ARCH_X86: number; readonly CS_MODE_32: number };
  export function loadCapstone(args?: Record<string, unknown>): Promise<void>;
}
