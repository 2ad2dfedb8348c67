// Keeps the README honest: its library example runs against the current source and prints what
// the README says it prints.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

test('the README library example runs and prints what it claims', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Library API'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toBeDefined();
  const claimed = /console\.log\(.*\);\s*\/\/ (.*)/.exec(code!)?.[1];
  expect(claimed).toBe('syscall 42');
  const body = code!.replace(/^import \{([^}]*)\} from 'vxts';/m, 'const {$1} = require("../src/index");');
  const printed: string[] = [];
  const fakeConsole = { log: (...args: unknown[]) => printed.push(args.join(' ')) };
  new Function('require', 'console', body)(require, fakeConsole);
  expect(printed).toEqual([claimed]);
});
