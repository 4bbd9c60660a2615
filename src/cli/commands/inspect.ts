/**
 * `tflite-ts inspect MODEL [--json]`: what TFLite's analyzer and Netron tell, in a terminal.
 * The report is built by inspect_report.ts; this file loads the model and renders the report
 * as aligned text (or prints it as JSON, see docs/cli/inspect.md).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { loadModel } from '../../format/load_model.js';
import { planMemory } from '../../runtime/memory_plan.js';
import type { OptionValue } from '../../ir/builtin_options.js';
import { type CliCommand, type CommonOptions, commonOptions, runAction } from '../command.js';
import { formatBytes, formatCount, formatInt } from '../format.js';
import {
  type InspectReport,
  type OperatorReport,
  type QuantizationReport,
  type SubgraphReport,
  type TensorReport,
  buildInspectReport,
} from '../inspect_report.js';
import { writeJson } from '../json.js';
import { formatTable, truncate, wrap } from '../table.js';

/** Returns a shape as text: [1,224,224,3]; -1 marks a dynamic dimension. */
function shapeText(shape: number[]): string {
  return `[${shape.join(',')}]`;
}

function quantText(q: QuantizationReport | null): string {
  if (!q) return '-';
  if (q.kind === 'per-tensor') return `scale ${q.scale} zp ${q.zeroPoint}`;
  return `per-axis(dim ${q.axis}, ${q.count} scales ${q.scaleMin}..${q.scaleMax})`;
}

/** The options worth a glance in the operator table, compactly: "SAME stride 2x2 RELU6". */
export function keyOptionsText(options: Record<string, OptionValue> | null): string {
  if (!options) return '';
  const o = options;
  const parts: string[] = [];
  if (typeof o.padding === 'string') parts.push(o.padding);
  if (typeof o.filterHeight === 'number' && typeof o.filterWidth === 'number') {
    parts.push(`filter ${o.filterHeight}x${o.filterWidth}`);
  }
  if (typeof o.strideH === 'number' && typeof o.strideW === 'number')
    parts.push(`stride ${o.strideH}x${o.strideW}`);
  if (
    typeof o.dilationHFactor === 'number' &&
    typeof o.dilationWFactor === 'number' &&
    (o.dilationHFactor !== 1 || o.dilationWFactor !== 1)
  ) {
    parts.push(`dilation ${o.dilationHFactor}x${o.dilationWFactor}`);
  }
  if (typeof o.depthMultiplier === 'number') parts.push(`mult ${o.depthMultiplier}`);
  if (typeof o.axis === 'number') parts.push(`axis ${o.axis}`);
  if (typeof o.beta === 'number' && o.beta !== 1) parts.push(`beta ${o.beta}`);
  if (o.keepNumDims === true || o.keepDims === true) parts.push('keep dims');
  if (Array.isArray(o.newShape)) parts.push(`shape [${o.newShape.join(',')}]`);
  if (o.adjX === true) parts.push('adj_x');
  if (o.adjY === true) parts.push('adj_y');
  if (typeof o.fusedActivationFunction === 'string' && o.fusedActivationFunction !== 'NONE') {
    parts.push(o.fusedActivationFunction);
  }
  return parts.join(' ');
}

function tensorTable(list: TensorReport[], width: number): string {
  return formatTable(
    [
      { header: 'tensor', align: 'right' },
      { header: 'name', shrink: 'start', minWidth: 12 },
      { header: 'shape' },
      { header: 'dtype' },
      { header: 'quantization', shrink: 'end', minWidth: 16 },
    ],
    list.map((t) => [String(t.index), t.name, shapeText(t.shape), t.dtype, quantText(t.quantization)]),
    { width, indent: 4 },
  );
}

function operatorTable(ops: OperatorReport[], width: number): string {
  const io = (list: number[]) => list.map((t) => (t < 0 ? '-' : String(t))).join(',');
  return formatTable(
    [
      { header: '#', align: 'right' },
      { header: 'op', shrink: 'end', minWidth: 12 },
      { header: 'ver', align: 'right' },
      { header: 'inputs -> outputs', shrink: 'end', minWidth: 12 },
      { header: 'options', shrink: 'end', minWidth: 10 },
      { header: 'MACs', align: 'right' },
    ],
    ops.map((op) => [
      String(op.index),
      op.op,
      String(op.version),
      `${io(op.inputs)} -> ${io(op.outputs)}`,
      keyOptionsText(op.options),
      op.macs > 0 ? formatCount(op.macs) : '',
    ]),
    { width, indent: 4 },
  );
}

function histogramTable(sg: SubgraphReport, width: number): string {
  const macsByOp: Record<string, number> = {};
  for (const op of sg.operators) macsByOp[op.op] = (macsByOp[op.op] ?? 0) + op.macs;
  const rows = Object.entries(sg.opHistogram)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => {
      const macs = macsByOp[name] ?? 0;
      return [
        name,
        String(count),
        macs > 0 ? formatCount(macs) : '',
        macs > 0 && sg.macs > 0 ? `${((100 * macs) / sg.macs).toFixed(1)}%` : '',
      ];
    });
  return formatTable(
    [
      { header: 'op', shrink: 'end' },
      { header: 'count', align: 'right' },
      { header: 'MACs', align: 'right' },
      { header: 'share', align: 'right' },
    ],
    rows,
    { width, indent: 4 },
  );
}

/** Returns the text view of an inspect report, laid out for `width` columns. */
export function renderInspectText(r: InspectReport, width = 100): string {
  const out: string[] = [];
  const field = (label: string, value: string) => {
    const lines = wrap(value, width - 13).split('\n');
    out.push(`${label.padEnd(11)}  ${lines[0] ?? ''}`);
    for (const l of lines.slice(1)) out.push(`${' '.repeat(13)}${l}`);
  };
  field('Model', `${basename(r.file.path)} (${formatInt(r.file.bytes)} bytes, ${formatBytes(r.file.bytes)})`);
  field(
    'Schema',
    `version ${r.model.schemaVersion}, ${r.model.subgraphs} subgraph(s), ${r.model.buffers} buffers`,
  );
  if (r.model.description) field('Description', r.model.description);
  const byDtype = Object.entries(r.weights.byDtype)
    .sort((a, b) => b[1] - a[1])
    .map(([d, b]) => `${d} ${formatBytes(b)}`)
    .join(', ');
  field(
    'Weights',
    `${formatInt(r.weights.parameters)} parameters, ${formatBytes(r.weights.bytes)}${byDtype ? ` (${byDtype})` : ''}`,
  );
  const macsByType = Object.entries(r.macs.byOpType)
    .sort((a, b) => b[1] - a[1])
    .map(([op, m]) => `${op} ${formatCount(m)}`)
    .join(', ');
  field(
    'MACs',
    `${formatCount(r.macs.total)} (${formatInt(r.macs.total)})${macsByType ? `: ${macsByType}` : ''}`,
  );
  field(
    'Memory',
    !r.memory
      ? 'not computed'
      : r.memory.error
        ? `not planned: ${r.memory.error}`
        : `arena ${formatBytes(r.memory.arenaBytes)} (lower bound ${formatBytes(r.memory.lowerBoundBytes)}, ` +
          `${(r.memory.arenaBytes / Math.max(1, r.memory.lowerBoundBytes)).toFixed(2)}x), ` +
          `persistent ${formatBytes(r.memory.persistentBytes)}, folded ${formatBytes(r.memory.foldedBytes)}`,
  );

  for (const sg of r.subgraphs) {
    out.push('');
    const name = sg.name ? ` "${truncate(sg.name, 40)}"` : '';
    out.push(
      `Subgraph ${sg.index}${name}: ${sg.tensorCount} tensors, ${sg.operators.length} operators, ${formatCount(sg.macs)} MACs`,
    );
    out.push('  Inputs');
    out.push(tensorTable(sg.inputs, width).trimEnd());
    out.push('  Outputs');
    out.push(tensorTable(sg.outputs, width).trimEnd());
    if (sg.operators.length > 0) {
      out.push('  Operators');
      out.push(operatorTable(sg.operators, width).trimEnd());
      out.push('  Op types');
      out.push(histogramTable(sg, width).trimEnd());
    }
  }

  if (r.metadata) {
    const m = r.metadata;
    out.push('');
    out.push('Metadata');
    const mf = (label: string, value: string | null) => {
      if (value === null || value === '') return;
      const lines = wrap(value, width - 16).split('\n');
      out.push(`  ${label.padEnd(12)}  ${lines[0] ?? ''}`);
      for (const l of lines.slice(1)) out.push(`${' '.repeat(16)}${l}`);
    };
    mf('name', m.name);
    mf('version', m.version);
    mf('author', m.author);
    mf('license', m.license);
    mf('description', m.description);
    mf('min parser', m.minParserVersion);
    const side = (kind: string, list: typeof m.inputs) =>
      list.forEach((t, i) => {
        const parts = [t.content ?? ''];
        if (t.normalization)
          parts.push(`normalize mean [${t.normalization.mean}] std [${t.normalization.std}]`);
        if (t.stats && (t.stats.min.length || t.stats.max.length))
          parts.push(`range [${t.stats.min}]..[${t.stats.max}]`);
        for (const f of t.files) parts.push(`${f.name} (${f.type})`);
        mf(`${kind} ${i}`, `${t.name ?? '?'}: ${parts.filter((p) => p).join('; ')}`);
      });
    side('input', m.inputs);
    side('output', m.outputs);
    if (m.missingFiles.length > 0) mf('missing', m.missingFiles.join(', '));
  }
  if (r.associatedFiles.length > 0) {
    out.push('');
    out.push('Associated files');
    out.push(
      formatTable(
        [
          { header: 'name', shrink: 'start' },
          { header: 'type' },
          { header: 'bytes', align: 'right' },
          { header: 'lines', align: 'right' },
          { header: 'description', shrink: 'end', minWidth: 10 },
        ],
        r.associatedFiles.map((f) => [
          f.name,
          f.type === null ? '-' : String(f.type),
          formatInt(f.bytes),
          f.lines === null ? '' : formatInt(f.lines),
          f.description ?? '',
        ]),
        { width },
      ).trimEnd(),
    );
  }
  if (r.signatures.length > 0) {
    out.push('');
    out.push('Signatures');
    const maps = (list: { name: string; tensor: number }[]) =>
      list.map((m) => `${m.name}=${m.tensor}`).join(', ');
    out.push(
      formatTable(
        [
          { header: 'key', shrink: 'end' },
          { header: 'subgraph', align: 'right' },
          { header: 'inputs (name=tensor)', shrink: 'end', minWidth: 12 },
          { header: 'outputs', shrink: 'end', minWidth: 12 },
        ],
        r.signatures.map((s) => [s.key, String(s.subgraph), maps(s.inputs), maps(s.outputs)]),
        { width },
      ).trimEnd(),
    );
  }
  return out.join('\n') + '\n';
}

/** The `inspect` command. */
export const inspectCommand: CliCommand = {
  name: 'inspect',
  register(program: Command, ctx) {
    commonOptions(
      program
        .command('inspect')
        .description('show what a .tflite model holds: I/O, operators, weights, MACs, metadata, signatures')
        .argument('<model>', 'path of a .tflite file'),
    ).action(async (path: string, options: CommonOptions) => {
      await runAction(ctx, 'inspect', options, async () => {
        const buf = await readFile(path);
        const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
        const model = loadModel(bytes);
        const report = buildInspectReport(model, path, bytes.byteLength, { memory: planMemory });
        if (options.json) writeJson(ctx.io, report);
        else ctx.io.out(renderInspectText(report, ctx.io.columns));
      });
    });
  },
};
