// The list of `vxts` subcommands, in the order help shows them. Adding a command means writing
// its module and adding it here.

import type { Command } from './command.js';
import { disasm } from './disasm.js';
import { run } from './run.js';
import { runMany } from './run-many.js';

export const COMMANDS: readonly Command[] = [run, runMany, disasm];
