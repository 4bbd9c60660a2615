/**
 * The `tflite-ts` command line. `run(argv)` parses the arguments with commander, runs one
 * command and returns the exit code: 0 success, 1 failure, 2 usage error (unknown command or
 * option, missing argument: commander's errors all map to 2).
 *
 * Adding a command: create `src/cli/commands/<name>.ts` exporting a `CliCommand` (see
 * command.ts and commands/inspect.ts: register the command with `commonOptions(...)` and do the
 * work inside `runAction`), then add it to COMMANDS below. Shared helpers: table.ts (aligned
 * tables), json.ts (the --json writer), progress.ts (stderr progress bar), format.ts (numbers).
 */
import { Command, CommanderError } from 'commander';
import type { CliCommand, CliContext } from './command.js';
import { benchCommand } from './commands/bench.js';
import { classifyCommand } from './commands/classify.js';
import { compareCommand } from './commands/compare.js';
import { convertCommand } from './commands/convert.js';
import { diffCommand } from './commands/diff.js';
import { evalCommand } from './commands/eval.js';
import { inspectCommand } from './commands/inspect.js';
import { quantizeCommand } from './commands/quantize.js';
import { runCommand } from './commands/run.js';
import { type CliIO, processIO } from './io.js';

/** Every command, in the order `--help` lists them. */
const COMMANDS: readonly CliCommand[] = [
  inspectCommand,
  runCommand,
  benchCommand,
  classifyCommand,
  convertCommand,
  quantizeCommand,
  evalCommand,
  compareCommand,
  diffCommand,
];

const VERSION = '0.1.0';

/** Runs the CLI on `argv` (without node and script) and returns the exit code. Never throws. */
export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0 };
  const program = new Command('tflite-ts')
    .description('TensorFlow Lite in TypeScript: inspect, run, quantize and convert .tflite models')
    .version(VERSION, '-V, --version')
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      // commander's own errors ("error: unknown option '--x'") become our one-line format.
      outputError: (s, write) => write(`tflite-ts: ${s.trim()} (see 'tflite-ts --help')\n`),
    })
    .exitOverride()
    .showSuggestionAfterError(true);
  for (const command of COMMANDS) command.register(program, ctx);
  // Every subcommand inherits the output settings and throws instead of exiting.
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: (s, write) =>
        write(`tflite-ts ${sub.name()}: ${s.trim()} (see 'tflite-ts ${sub.name()} --help')\n`),
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      // 'commander.help' is help shown because no command was given: a usage error.
      return 2;
    }
    io.err(`tflite-ts: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return ctx.exitCode;
}
