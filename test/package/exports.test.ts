/**
 * The package as users load it: package.json "exports" serve the esbuild bundle in dist/bundle/
 * (scripts/bundle.mjs) and the types of dist/**.d.ts. In plain Node processes (not vitest's
 * loader): every entry point exports exactly the names of the tsc-compiled module its types
 * describe; the platform-neutral entries reach no Node built-in; the root entry runs a model on
 * 2 threads (the thread pool's worker) with the reference kernels' output; the CLI runs from the
 * bundle and `eval --threads 2` finds its worker entry beside the bundle's chunks. Needs
 * `npm run build`: skipped locally when dist/bundle is absent, a failure with CI=true.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { createBuiltinRegistry } from '../../src/kernels/builtin_registry.js';
import { IN_CI } from '../support/fixtures.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
};
const built = existsSync(join(root, 'dist', 'bundle', 'index.js'));
if (!built) {
  if (IN_CI) throw new Error('dist/bundle is missing (CI=true): run npm run build before the tests');
  console.warn('dist/bundle is missing: the package tests are skipped (run npm run build)');
}

/** Entry points: subpath -> { types, default }. */
const entries = Object.entries(pkg.exports).flatMap(([sub, e]) =>
  typeof e === 'string' ? [] : [{ sub, ...e }],
);

/** Runs an ES module snippet in a fresh Node process in the package folder; returns its stdout. */
function node(code: string, args: string[] = []): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** Bare specifiers (packages, node:*) statically imported by a bundle file and its chunks. */
function staticImports(file: string, seen = new Set<string>(), out = new Set<string>()): Set<string> {
  if (seen.has(file)) return out;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s(?:[^;]*?\sfrom\s*)?"([^"]+)";?$/gms)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) staticImports(join(dirname(file), spec), seen, out);
    else out.add(spec);
  }
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'tflite-ts-package-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!built)('package entry points (dist/bundle)', () => {
  it('maps every entry to a bundle file and its tsc types, the CLI to the bundle', () => {
    expect(entries.map((e) => e.sub)).toEqual(['.', './node', './vision', './browser', './eval']);
    for (const e of entries) {
      expect(e.default).toMatch(/^\.\/dist\/bundle\/[a-z_]+\.js$/);
      expect(existsSync(join(root, e.default)), e.default).toBe(true);
      expect(e.types).toMatch(/^\.\/dist\/.*\.d\.ts$/);
      expect(existsSync(join(root, e.types)), e.types).toBe(true);
    }
    expect(pkg.main).toBe((pkg.exports['.'] as { default: string }).default);
    expect(readFileSync(join(root, pkg.bin['tflite-ts']!), 'utf8')).toContain('../dist/bundle/cli.js');
    // the inlined packages' licenses ship beside the bundle
    const notices = readFileSync(join(root, 'dist', 'bundle', 'THIRD_PARTY_LICENSES.txt'), 'utf8');
    expect(notices).toMatch(/^fflate \S+ \(MIT\)$/m);
    expect(notices).toMatch(/^flatbuffers \S+ \(Apache-2\.0\)$/m);
    expect(notices).toContain('Apache License');
  });

  it('exports the names of the compiled modules its types describe', () => {
    const pairs = entries.map((e) => [
      e.sub === '.' ? 'tflite-ts' : `tflite-ts/${e.sub.slice(2)}`,
      `./${e.types.slice(2).replace(/\.d\.ts$/, '.js')}`,
    ]);
    const out = node(`
      const pairs = ${JSON.stringify(pairs)};
      const res = {};
      for (const [spec, compiled] of pairs) {
        res[spec] = [Object.keys(await import(spec)).sort(), Object.keys(await import(compiled)).sort()];
      }
      console.log(JSON.stringify(res));`);
    const res = JSON.parse(out) as Record<string, [string[], string[]]>;
    expect(Object.keys(res)).toHaveLength(entries.length);
    for (const [spec, [bundled, compiled]] of Object.entries(res)) {
      expect(bundled.length, spec).toBeGreaterThan(0);
      expect(bundled, spec).toEqual(compiled);
    }
    expect(res['tflite-ts']![0]).toEqual(
      expect.arrayContaining([
        'Interpreter',
        'createBuiltinRegistry',
        'randomInputs',
        'loadModel',
        'quantizeModel',
      ]),
    );
  });

  it('keeps Node built-ins and sharp out of the platform-neutral entries', () => {
    for (const name of ['index', 'vision', 'browser', 'eval']) {
      expect([...staticImports(join(root, 'dist', 'bundle', `${name}.js`))], name).toEqual([]);
    }
    const nodeImports = staticImports(join(root, 'dist', 'bundle', 'node.js'));
    expect(nodeImports.has('node:worker_threads')).toBe(true);
    // sharp is external (native) and loaded on first decode, not at import
    expect(nodeImports.has('sharp')).toBe(false);
  });

  it('runs a model from the root entry on 2 threads with the reference output', async () => {
    const model = join(root, 'models', 'fashion_mnist_cnn_int8.tflite');
    const out = node(
      `
      import { readFileSync } from 'node:fs';
      import { Interpreter, randomInputs } from 'tflite-ts';
      const it = await Interpreter.create(new Uint8Array(readFileSync(process.argv[1])), { threads: 2 });
      it.allocateTensors();
      randomInputs(it.inputs, 1).forEach((b, i) => it.input(i).set(b));
      it.invoke();
      console.log(JSON.stringify({ threads: it.threadCount, out: [...it.output(0).data] }));
      it.dispose();`,
      [model],
    );
    const got = JSON.parse(out) as { threads: number; out: number[] };
    expect(got.threads).toBe(2);
    const { randomInputs } = await import('../../src/runtime/random_inputs.js');
    const ref = await Interpreter.create(new Uint8Array(readFileSync(model)), {
      registry: createBuiltinRegistry({ optimized: false }),
    });
    ref.allocateTensors();
    randomInputs(ref.inputs, 1).forEach((b, i) => ref.input(i).set(b));
    ref.invoke();
    expect(got.out).toEqual([...ref.output(0).data]);
    expect(got.out).toHaveLength(10);
    ref.dispose();
  });

  it('runs the CLI from the bundle, eval with 2 worker threads', () => {
    const images = join(root, 'examples', 'images');
    const files = [
      'fashion_mnist_sneaker_test9.png',
      'fashion_mnist_bag_test18.png',
      'fashion_mnist_trouser_test2.png',
    ];
    for (const f of files) copyFileSync(join(images, f), join(tmp, f));
    writeFileSync(
      join(tmp, 'labels.csv'),
      'file,class\n' + files.map((f, i) => `${f},${[7, 8, 1][i]}\n`).join(''),
    );
    const out = execFileSync(
      process.execPath,
      [
        pkg.bin['tflite-ts']!,
        'eval',
        'models/fashion_mnist_cnn_int8.tflite',
        '--images',
        tmp,
        '--threads',
        '2',
        '--json',
      ],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    const report = JSON.parse(out) as {
      threads: number;
      summary: { images: number; failed: number; top1: { correct: number } };
    };
    expect(report.threads).toBe(2);
    expect(report.summary.images).toBe(3);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.top1.correct).toBe(3);
  });
});
