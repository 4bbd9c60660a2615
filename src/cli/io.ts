/**
 * Where the CLI writes: stdout for results (text or --json), stderr for errors and progress.
 * Commands receive a CliIO instead of touching `process` so tests can run them in-process and
 * capture everything.
 */

/** The streams and terminal facts a command may use. */
export interface CliIO {
  /** Writes text to stdout as is (include the newline). */
  out(text: string): void;
  /** Writes text to stderr as is (include the newline). */
  err(text: string): void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  stderrIsTTY: boolean;
  /** Width to lay text out in (100 unless the terminal is narrower). */
  columns: number;
}

/** Returns a CliIO over the process's stdout and stderr. */
export function processIO(): CliIO {
  const ttyColumns = process.stdout.isTTY ? process.stdout.columns : undefined;
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    columns: Math.min(100, ttyColumns && ttyColumns > 40 ? ttyColumns : 100),
  };
}

/** A CliIO that records what a command writes (for tests and for embedding the CLI). */
export interface CapturedIO extends CliIO {
  stdout: string;
  stderr: string;
}

/** Returns a CliIO that collects output in `stdout` / `stderr` strings. */
export function captureIO(options: { stderrIsTTY?: boolean; columns?: number } = {}): CapturedIO {
  const io: CapturedIO = {
    stdout: '',
    stderr: '',
    out: (text) => {
      io.stdout += text;
    },
    err: (text) => {
      io.stderr += text;
    },
    stderrIsTTY: options.stderrIsTTY ?? false,
    columns: options.columns ?? 100,
  };
  return io;
}
