/**
 * Starts app/server/serve.mjs (the `npm start` server) as a child process and reads the URLs it
 * prints. Used by the server test and by the end-to-end tests, which serve the built app and a
 * catalog mirror with it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SERVE_SCRIPT = fileURLToPath(new URL('../../../app/server/serve.mjs', import.meta.url));

/** A running server. */
export interface RunningServer {
  port: number;
  /** The `Local:` URL it printed. */
  local: string;
  /** Everything it printed so far. */
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts the server with `args` (and `env` added); resolves once it prints its local URL. */
export function startAppServer(args: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, [SERVE_SCRIPT, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`server did not start in 20 s:\n${out}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Local:\s+(\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        const local = m[1]!;
        resolve({
          port: Number(new URL(local).port),
          local,
          output: () => out,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill();
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code}:\n${out}`));
    });
  });
}

/** Runs the server expecting it to exit; resolves with its exit code and output. */
export function runAppServer(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [SERVE_SCRIPT, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}
