#!/usr/bin/env node
// The `vxts` command: picks the subcommand, prints help, and turns user errors into
// `vxts: <message>` on stderr with exit status 2. Subcommands live in src/commands/.

import { ElfError } from './elf.js';
import { COMMANDS } from './commands/index.js';
import { UsageError, type Command } from './commands/command.js';

function usage(): string {
  const lines = ['usage: vxts <command> [options]', '', 'commands:'];
  for (const c of COMMANDS) {
    lines.push(`  vxts ${c.synopsis}`, `      ${c.summary}`);
    for (const o of c.options) lines.push(`      ${o}`);
  }
  lines.push('  vxts help [COMMAND]', '      show this text, or one command\'s');
  const examples = COMMANDS.flatMap((c) => c.examples ?? []);
  if (examples.length > 0) lines.push('', 'examples:', ...examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

function commandUsage(c: Command): string {
  const examples = c.examples && c.examples.length > 0 ? ['', 'examples:', ...c.examples.map((e) => `  ${e}`)] : [];
  return [`usage: vxts ${c.synopsis}`, `  ${c.summary}`, ...c.options.map((o) => `  ${o}`), ...examples].join('\n') + '\n';
}

/** Errors that mean "the user asked for something impossible" rather than "vxts is broken". */
function userMessage(err: unknown): string | null {
  if (err instanceof UsageError) return err.message;
  if (err instanceof ElfError) return `not a usable i386 ELF program: ${err.message}`;
  // node:util parseArgs reports unknown options and missing values with these codes.
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) return (err as Error).message;
  return null;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = COMMANDS.find((c) => c.name === rest[0]);
    process.stdout.write(topic ? commandUsage(topic) : usage());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) throw new UsageError(`unknown command '${name}' (try 'vxts help')`);
  // Only vxts's own options count: `vxts run prog --help` passes --help to prog.
  const own = command.optionArgs ? command.optionArgs(rest) : rest;
  if (own.includes('--help') || own.includes('-h')) {
    process.stdout.write(commandUsage(command));
    return 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (err: unknown) => {
    const message = userMessage(err);
    if (message !== null) {
      process.stderr.write(`vxts: ${message}\n`);
      process.exitCode = 2;
    } else {
      // A bug in vxts: still no stack trace for the user, but enough to report it.
      process.stderr.write(`vxts: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 70;
    }
  },
);
