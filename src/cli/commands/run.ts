/**
 * `tflite-ts run MODEL [--input a.bin,b.bin | --random SEED] [--signature KEY]
 *  [--output-dir DIR] [--json]`: runs a model once on given or seeded inputs and prints or
 * writes its outputs. Inputs are raw little-endian bytes in the model's input order, or .npy
 * arrays (float .npy data is quantized for quantized inputs; a shape that differs from the
 * model's resizes the input when the model allows it).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { loadModel } from '../../format/load_model.js';
import { readNpy } from '../../format/npy.js';
import type { TypedArray } from '../../ir/dtype.js';
import { typedView } from '../../ir/dtype.js';
import { Interpreter } from '../../runtime/interpreter.js';
import { randomInputs } from '../../runtime/random_inputs.js';
import { dequantizeValues } from '../../runtime/tensor_quantization.js';
import { type CliCommand, type CommonOptions, UsageError, commonOptions, runAction } from '../command.js';
import { writeJson } from '../json.js';
import { formatTable } from '../table.js';

interface RunOptions extends CommonOptions {
  input?: string;
  random?: string;
  signature?: string;
  outputDir?: string;
}

async function readBytes(path: string): Promise<Uint8Array> {
  const b = await readFile(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** One output, as reported. */
interface OutputReport {
  index: number;
  name: string;
  shape: number[];
  dtype: string;
  data: TypedArray;
  float: Float32Array;
}

function summarize(values: Float32Array): { min: number; max: number; mean: number; argmax: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let argmax = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) {
      max = v;
      argmax = i;
    }
    sum += v;
  }
  return { min, max, mean: values.length ? sum / values.length : 0, argmax };
}

function preview(values: ArrayLike<number | bigint>, n = 6): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(n, values.length); i++) {
    const v = values[i]!;
    parts.push(typeof v === 'bigint' ? v.toString() : Number.isInteger(v) ? String(v) : v.toPrecision(5));
  }
  return `[${parts.join(', ')}${values.length > n ? ', …' : ''}]`;
}

/** Feeds one input from a file: .npy (typed, maybe float to quantize, maybe resized) or raw bytes. */
async function feedInput(it: Interpreter, i: number, path: string): Promise<void> {
  const bytes = await readBytes(path);
  if (!path.endsWith('.npy')) {
    it.input(i).set(bytes);
    return;
  }
  const arr = readNpy(bytes, path);
  const info = it.inputs[i]!;
  const count = arr.shape.reduce((p, d) => p * d, 1);
  if (arr.shape.length !== info.shape.length || arr.shape.some((d, k) => d !== info.shape[k])) {
    it.resizeInput(i, arr.shape);
    it.allocateTensors();
  }
  const copy = new Uint8Array(arr.bytes);
  const view = typedView(arr.dtype, copy.buffer, 0, copy.byteLength);
  if (arr.dtype === info.dtype) it.input(i).set(view);
  else if (arr.dtype === 'float32' || arr.dtype === 'float64') it.setInputFloat(i, view as Float32Array);
  else throw new InputError(`${path}: .npy dtype ${arr.dtype} does not match input ${i} (${info.dtype})`);
  if (count !== it.input(i).data.length) throw new InputError(`${path}: wrong element count ${count}`);
}

/** The `run` command. */
export const runCommand: CliCommand = {
  name: 'run',
  register(program: Command, ctx) {
    commonOptions(
      program
        .command('run')
        .description('run a model once on input files or seeded random inputs and show its outputs')
        .argument('<model>', 'path of a .tflite file')
        .option(
          '--input <files>',
          'comma-separated input files (raw little-endian bytes or .npy), in input order',
        )
        .option('--random <seed>', 'fill inputs with seeded random values (as the peers harness does)')
        .option('--signature <key>', 'run this signature (inputs in the signature order)')
        .option('--output-dir <dir>', 'write each output as DIR/<i>.bin (raw bytes)'),
    ).action(async (path: string, options: RunOptions) => {
      await runAction(ctx, 'run', options, async () => {
        if (options.input && options.random) throw new UsageError('give --input or --random, not both');
        const seed = options.random === undefined ? 1 : Number(options.random);
        if (!Number.isInteger(seed))
          throw new UsageError(`--random needs an integer seed, got ${options.random}`);
        const model = loadModel(await readBytes(path));
        const it = new Interpreter(model);
        const files = options.input ? options.input.split(',').filter((f) => f.length > 0) : undefined;
        const t0 = performance.now();
        const outputs =
          options.signature !== undefined
            ? await runSignature(it, options.signature, files, seed)
            : await runMain(it, files, seed);
        const ms = performance.now() - t0;
        if (options.outputDir) {
          await mkdir(options.outputDir, { recursive: true });
          for (const o of outputs) {
            await writeFile(
              join(options.outputDir, `${o.index}.bin`),
              new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength),
            );
          }
        }
        if (options.json) {
          writeJson(ctx.io, {
            model: path,
            inputSource: files ? { files } : { random: seed },
            timeMs: ms,
            outputs: outputs.map((o) => ({
              name: o.name,
              shape: o.shape,
              dtype: o.dtype,
              data: Buffer.from(o.data.buffer, o.data.byteOffset, o.data.byteLength).toString('base64'),
            })),
          });
          return;
        }
        ctx.io.out(
          `${path}: ${outputs.length} output(s) in ${ms.toFixed(1)} ms (inputs: ${files ? files.join(', ') : `random seed ${seed}`})\n`,
        );
        ctx.io.out(
          formatTable(
            [
              { header: '#', align: 'right' },
              { header: 'name', shrink: 'start', minWidth: 10 },
              { header: 'shape' },
              { header: 'dtype' },
              { header: 'min', align: 'right' },
              { header: 'max (argmax)', align: 'right' },
              { header: 'values', shrink: 'end', minWidth: 10 },
            ],
            outputs.map((o) => {
              const s = summarize(o.float);
              return [
                String(o.index),
                o.name,
                `[${o.shape.join(',')}]`,
                o.dtype,
                s.min.toPrecision(4),
                `${s.max.toPrecision(4)} (${s.argmax})`,
                preview(o.data as ArrayLike<number>),
              ];
            }),
            { width: ctx.io.columns },
          ),
        );
        if (options.outputDir) ctx.io.out(`wrote ${outputs.length} file(s) to ${options.outputDir}\n`);
      });
    });
  },
};

/** Runs the main subgraph with inputs from files (raw or .npy) or seeded random bytes. */
async function runMain(it: Interpreter, files: string[] | undefined, seed: number): Promise<OutputReport[]> {
  it.allocateTensors();
  const n = it.inputs.length;
  if (files && files.length !== n)
    throw new UsageError(`the model has ${n} inputs, got ${files.length} --input files`);
  if (files) for (let i = 0; i < n; i++) await feedInput(it, i, files[i]!);
  else randomInputs(it.inputs, seed).forEach((b, i) => it.input(i).set(b));
  it.invoke();
  return it.outputs.map((o, index) => ({
    index,
    name: o.name,
    shape: [...o.shape],
    dtype: o.dtype,
    data: it.output(index).data.slice() as TypedArray,
    float: it.outputFloat(index),
  }));
}

/** Runs a signature with raw input files (signature order) or seeded random bytes. */
async function runSignature(
  it: Interpreter,
  key: string,
  files: string[] | undefined,
  seed: number,
): Promise<OutputReport[]> {
  if (!it.signatures().some((s) => s.key === key)) {
    const keys = it.signatures().map((s) => JSON.stringify(s.key));
    throw new UsageError(`no signature ${JSON.stringify(key)}; the model has ${keys.join(', ') || 'none'}`);
  }
  const infos = it.signatureInputs(key);
  if (files && files.length !== infos.length) {
    throw new UsageError(`signature ${key} has ${infos.length} inputs, got ${files.length} --input files`);
  }
  const bytes = files ? await Promise.all(files.map(readBytes)) : randomInputs(infos, seed);
  const named: Record<string, Uint8Array> = {};
  infos.forEach((info, k) => (named[info.name] = bytes[k]!));
  const res = it.runSignature(key, named);
  return it.signatureOutputs(key).map((o, index) => {
    const data = res[o.name]!;
    return {
      index,
      name: o.name,
      shape: [...o.shape],
      dtype: o.dtype,
      data,
      float: dequantizeValues(data, o.dtype, o.shape, o.quantization),
    };
  });
}
