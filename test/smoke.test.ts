import { Capstone, Const, loadCapstone } from 'capstone-wasm';
test('capstone loads', async () => { await loadCapstone(); const c = new Capstone(Const.CS_ARCH_X86, Const.CS_MODE_32); expect(c.disasm([0x55], {count:1})[0].mnemonic).toBe('push'); });
