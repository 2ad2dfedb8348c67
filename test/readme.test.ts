// Keeps the README honest: its library examples (the Machine one and the Sandbox one) run
// against the current source and print what the README says they print.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Library API'));
const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

/** The example's body with its import turned into a require of the source, and the output it claims. */
function prepare(code: string): { body: string; claimed: string | undefined } {
  const claimed = /console\.log\(.*\);\s*\/\/ (.*)/.exec(code)?.[1];
  const body = code.replace(/^import \{([^}]*)\} from 'vxts';/m, 'const {$1} = require("../src/index");');
  return { body, claimed };
}

/** The example as JavaScript (its type annotations removed) for new Function. */
const stripTypes = (code: string): string => ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;

test('the README library example runs and prints what it claims', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(1);
  const { body, claimed } = prepare(blocks[0]);
  expect(claimed).toBe('syscall 42');
  const printed: string[] = [];
  const fakeConsole = { log: (...args: unknown[]) => printed.push(args.join(' ')) };
  new Function('require', 'console', body)(require, fakeConsole);
  expect(printed).toEqual([claimed]);
});

test('the README Sandbox example runs and prints what it claims', async () => {
  expect(blocks.length).toBeGreaterThanOrEqual(2);
  const { body, claimed } = prepare(blocks[1]);
  expect(claimed).toBe('hello from vxts guest | exit 0');
  const printed: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const fakeConsole = {
      log: (...args: unknown[]) => { printed.push(args.join(' ')); resolve(); },
      error: (e: unknown) => reject(e),
    };
    new Function('require', 'console', stripTypes(body))(require, fakeConsole);
  });
  await done;
  expect(printed).toEqual([claimed]);
});
