/**
 * A progress bar on stderr for long commands (classify of a folder, quantize calibration,
 * eval). Drawn only when stderr is a terminal, so logs and pipes stay clean; redrawn at most
 * ten times a second; the line is cleared when done.
 */
import type { CliIO } from './io.js';

/** A running progress display. */
export interface Progress {
  /** Reports `done` of `total` steps, with an optional short note (e.g. the current file). */
  update(done: number, note?: string): void;
  /** Clears the bar. */
  finish(): void;
}

/** Returns a progress bar for `total` steps labelled `label` (a no-op when stderr is not a TTY). */
export function createProgress(io: CliIO, total: number, label: string): Progress {
  if (!io.stderrIsTTY) return { update: () => {}, finish: () => {} };
  let last = 0;
  let drawn = false;
  const barWidth = 24;
  return {
    update(done, note = '') {
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
      const filled = Math.round(frac * barWidth);
      const head = `${label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${done}/${total}`;
      const room = io.columns - head.length - 2;
      const tail =
        note && room > 4 ? ` ${note.length > room ? `…${note.slice(note.length - room + 1)}` : note}` : '';
      io.err(`\r${head}${tail}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (drawn) io.err('\r\x1b[K');
      drawn = false;
    },
  };
}
