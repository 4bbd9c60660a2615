/**
 * `tflite-ts bench MODEL [--runs N] [--warmup N] [--threads N] [--profile] [--json]`: latency
 * and memory of a model in this runtime, reported as TFLite's benchmark_model does (init time,
 * first inference, warm-up mean, steady-state count/min/median/mean/max/std), plus arena vs
 * lower bound, weight bytes and the process's peak RSS; `--profile` adds per-op tables (run
 * order, top ops by time, summary by op type).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type BenchmarkResult, benchmark } from '../../runtime/benchmark.js';
import { type CliCommand, type CommonOptions, commonOptions, runAction } from '../command.js';
import { formatBytes } from '../format.js';
import { writeJson } from '../json.js';
import { formatTable } from '../table.js';
import { integerOption } from '../options.js';

interface BenchOptions extends CommonOptions {
  runs: string;
  warmup: string;
  warmupMs: string;
  threads: string;
  profile?: boolean;
}

const ms = (v: number) => (v >= 100 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(4));

/** Per-op-type totals of a profile, largest first. */
export function profileByType(profile: NonNullable<BenchmarkResult['profile']>) {
  const byType = new Map<string, { count: number; ms: number }>();
  for (const p of profile) {
    const e = byType.get(p.op) ?? { count: 0, ms: 0 };
    e.count++;
    e.ms += p.ms;
    byType.set(p.op, e);
  }
  return [...byType].map(([op, e]) => ({ op, ...e })).sort((a, b) => b.ms - a.ms);
}

function renderText(path: string, r: BenchmarkResult, peakRss: number, width: number): string {
  const s = r.steady;
  const lines = [
    `${path}`,
    `  threads            ${r.threads}`,
    `  init               ${ms(r.initMs)} ms (parse, prepare, plan memory)`,
    `  first inference    ${ms(r.firstInferenceMs)} ms`,
    `  warm-up            ${r.warmup.runs} runs, mean ${ms(r.warmup.meanMs)} ms`,
    `  steady state       ${s.runs} runs${r.batch > 1 ? ` (batches of ${r.batch})` : ''}: ` +
      `min ${ms(s.minMs)}, median ${ms(s.medianMs)}, mean ${ms(s.meanMs)}, max ${ms(s.maxMs)}, std ${ms(s.stdMs)} ms`,
    `  arena              ${formatBytes(r.memory.arenaBytes)} (lower bound ${formatBytes(r.memory.lowerBoundBytes)}, ` +
      `${(r.memory.arenaBytes / Math.max(1, r.memory.lowerBoundBytes)).toFixed(2)}x)`,
    `  persistent         ${formatBytes(r.memory.persistentBytes)}; folded constants ${formatBytes(r.memory.foldedBytes)}`,
    `  weights            ${formatBytes(r.weightBytes)}`,
    `  peak RSS           ${formatBytes(peakRss)}`,
  ];
  let text = lines.join('\n') + '\n';
  if (r.profile) {
    const total = r.profile.reduce((p, o) => p + o.ms, 0) || 1;
    const row = (o: { index: number; op: string; ms: number; folded: boolean }) => [
      String(o.index),
      o.op,
      o.folded ? 'folded' : ms(o.ms),
      `${((100 * o.ms) / total).toFixed(1)}%`,
    ];
    const cols = [
      { header: 'node', align: 'right' as const },
      { header: 'op', shrink: 'end' as const },
      { header: 'ms', align: 'right' as const },
      { header: '%', align: 'right' as const },
    ];
    text += '\nOperators in run order\n' + formatTable(cols, r.profile.map(row), { width, indent: 2 });
    const top = [...r.profile].sort((a, b) => b.ms - a.ms).slice(0, 10);
    text += '\nTop operators by time\n' + formatTable(cols, top.map(row), { width, indent: 2 });
    text +=
      '\nBy op type\n' +
      formatTable(
        [
          { header: 'op', shrink: 'end' },
          { header: 'count', align: 'right' },
          { header: 'ms', align: 'right' },
          { header: '%', align: 'right' },
        ],
        profileByType(r.profile).map((t) => [
          t.op,
          String(t.count),
          ms(t.ms),
          `${((100 * t.ms) / total).toFixed(1)}%`,
        ]),
        { width, indent: 2 },
      );
  }
  return text;
}

/** The `bench` command. */
export const benchCommand: CliCommand = {
  name: 'bench',
  register(program: Command, ctx) {
    commonOptions(
      program
        .command('bench')
        .description('measure latency and memory of a model (as TFLite benchmark_model)')
        .argument('<model>', 'path of a .tflite file')
        .option('--runs <n>', 'timed runs', '50')
        .option('--warmup <n>', 'minimum warm-up runs', '3')
        .option('--warmup-ms <ms>', 'minimum warm-up time in ms', '1000')
        .option('--threads <n>', 'threads kernels may use', '1')
        .option('--profile', 'add per-op times'),
    ).action(async (path: string, options: BenchOptions) => {
      await runAction(ctx, 'bench', options, async () => {
        const runs = integerOption(options.runs, '--runs');
        const warmup = integerOption(options.warmup, '--warmup', 0);
        const warmupMs = integerOption(options.warmupMs, '--warmup-ms', 0);
        const threads = integerOption(options.threads, '--threads');
        const buf = await readFile(path);
        const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
        const result = await benchmark(bytes, {
          runs,
          warmup,
          warmupMs,
          threads,
          profile: options.profile ?? false,
        });
        // maxRSS is in kilobytes.
        const peakRssBytes = process.resourceUsage().maxRSS * 1024;
        if (options.json) {
          writeJson(ctx.io, {
            model: path,
            ...result,
            peakRssBytes,
            ...(result.profile ? { profileByType: profileByType(result.profile) } : {}),
          });
        } else ctx.io.out(renderText(path, result, peakRssBytes, ctx.io.columns));
      });
    });
  },
};
