/**
 * The contract between main.ts and one command file. A command registers itself on the
 * commander program, declares its options (every command gets `--json` and `--debug` from
 * `commonOptions`), and does its work inside `runAction`, which turns the result or the error
 * into output and an exit code:
 *
 * - success: the action writes its text (or, with --json, one JSON document) and returns;
 *   exit code 0 (or the number it returns);
 * - a TfliteError (the model is malformed, unsupported op, bad input...): one line on stderr,
 *   exit code 1; a UsageError (an option value that makes no sense): exit code 2;
 * - any other error (a bug): one line saying so, exit code 1;
 * - with --debug, the stack follows the line; with --json, stdout also gets
 *   `{"error": {"code", "message"}}` so scripts always find a document.
 */
import type { Command } from 'commander';
import { TfliteError } from '../errors.js';
import type { CliIO } from './io.js';
import { writeJson } from './json.js';

/** An error in how the command was called (exit code 2), e.g. a negative --top. */
export class UsageError extends TfliteError {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}

/** Options every command accepts. */
export interface CommonOptions {
  json?: boolean;
  debug?: boolean;
}

/** What main.ts gives each command: the IO and a place to leave the exit code. */
export interface CliContext {
  io: CliIO;
  exitCode: number;
}

/** A command of the CLI: `register` adds it (name, arguments, options, action) to the program. */
export interface CliCommand {
  name: string;
  register(program: Command, ctx: CliContext): void;
}

/** Adds `--json` and `--debug` to a command and returns it. */
export function commonOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print a machine-readable JSON document on stdout')
    .option('--debug', 'print stack traces with errors');
}

/** The message and stable code of an error, as printed on stderr. */
export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof TfliteError) return { code: err.code, message: err.message };
  const e = err as NodeJS.ErrnoException | undefined;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.syscall === 'string') {
    // Node's file-system errors: say which file and why, without the syscall jargon.
    const why: Record<string, string> = {
      ENOENT: 'no such file or directory',
      EACCES: 'permission denied',
      EISDIR: 'is a directory, not a file',
      ENOTDIR: 'a part of the path is not a directory',
    };
    return { code: 'FILE', message: `cannot read ${e.path ?? 'file'}: ${why[e.code] ?? e.message}` };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: 'INTERNAL',
    message: `internal error: ${message} (rerun with --debug for the stack trace and report it)`,
  };
}

/**
 * Runs a command body with the error handling described above; sets `ctx.exitCode`. The body
 * returns nothing (exit 0) or an exit code.
 */
export async function runAction(
  ctx: CliContext,
  name: string,
  options: CommonOptions,
  body: () => Promise<number | void> | number | void,
): Promise<void> {
  try {
    ctx.exitCode = (await body()) ?? 0;
  } catch (err) {
    const { code, message } = describeError(err);
    // One line: newlines inside a message would break log parsing.
    ctx.io.err(`tflite-ts ${name}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    if (options.debug && err instanceof Error && err.stack) ctx.io.err(`${err.stack}\n`);
    if (options.json) writeJson(ctx.io, { error: { code, message } });
    ctx.exitCode = err instanceof UsageError ? 2 : 1;
  }
}
