/**
 * Where a TF.js model comes from: a model.json path or URL (with its weight shards next to it),
 * the JSON and shard bytes already in memory, or a live `tf.LayersModel` / `tf.GraphModel`
 * (read through its own `save()` with an in-memory handler, so tfjs is not a dependency of the
 * converter). All roads end in TfjsArtifacts.
 */
import { ConversionError } from '../errors.js';
import type { TfjsArtifacts, TfjsModelJson, WeightSpec } from './tfjs_format.js';

/** A model.json object with its shard bytes, keyed by the manifest's relative paths. */
export interface InMemoryModel {
  modelJson: TfjsModelJson;
  /** Shard bytes by manifest path, or all shards already concatenated in manifest order. */
  weights: Record<string, Uint8Array> | Uint8Array;
}

/** The part of a tfjs LayersModel / GraphModel the converter uses. */
export interface TfjsModelLike {
  save(handler: { save(artifacts: TfjsSavedArtifacts): Promise<unknown> }): Promise<unknown>;
}

/** ModelArtifacts as tfjs hands them to a save handler. */
export interface TfjsSavedArtifacts {
  modelTopology?: unknown;
  weightSpecs?: WeightSpec[];
  weightData?: ArrayBuffer | ArrayBuffer[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  userDefinedMetadata?: Record<string, unknown>;
}

/** Anything `convert()` accepts as a model. */
export type ModelSource = string | URL | InMemoryModel | TfjsModelLike;

/** How files are read (Node: fs; browsers: pass URLs, which use fetch). */
export type ReadFile = (pathOrUrl: string) => Promise<Uint8Array>;

function isUrl(s: string): boolean {
  return /^(https?|file|data|blob):/i.test(s);
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new ConversionError(`cannot fetch ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new ConversionError(`cannot fetch ${url}: HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

// Node's fs is imported lazily, only when a file path is given, so that browser bundles of the
// converter (which take URLs or in-memory models) never pull it in.
async function readLocalFile(path: string): Promise<Uint8Array> {
  // a computed specifier: bundlers for browsers leave it alone instead of failing to resolve it
  const specifier = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ specifier)) as typeof import('node:fs/promises');
  try {
    const b = await fs.readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new ConversionError(`cannot read ${path}: ${(e as Error).message}`);
  }
}

function defaultRead(p: string): Promise<Uint8Array> {
  return isUrl(p) && !p.startsWith('file:')
    ? fetchBytes(p)
    : readLocalFile(p.startsWith('file:') ? new URL(p).pathname : p);
}

function resolveNext(base: string, rel: string): string {
  if (isUrl(rel) || rel.startsWith('/')) return rel;
  if (isUrl(base)) return new URL(rel, base).href;
  const slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
  return slash < 0 ? rel : base.slice(0, slash + 1) + rel;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

function specsOf(json: TfjsModelJson): WeightSpec[] {
  return (json.weightsManifest ?? []).flatMap((g) => g.weights);
}

function parseJson(bytes: Uint8Array, where: string): TfjsModelJson {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ConversionError(`${where}: not valid JSON (${(e as Error).message}); pass a TF.js model.json`);
  }
  if (!json || typeof json !== 'object' || !('modelTopology' in json)) {
    throw new ConversionError(`${where}: no modelTopology; this is not a TF.js model.json`);
  }
  return json as TfjsModelJson;
}

function isModelLike(x: unknown): x is TfjsModelLike {
  return typeof x === 'object' && x !== null && typeof (x as { save?: unknown }).save === 'function';
}

async function fromLiveModel(model: TfjsModelLike): Promise<TfjsArtifacts> {
  let saved: TfjsSavedArtifacts | undefined;
  await model.save({
    save: async (artifacts: TfjsSavedArtifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  });
  if (!saved?.modelTopology) throw new ConversionError('the model saved no topology; cannot convert it');
  const wd = saved.weightData;
  const weightData = concat(
    wd === undefined ? [] : (Array.isArray(wd) ? wd : [wd]).map((b) => new Uint8Array(b)),
  );
  const json: TfjsModelJson = { modelTopology: saved.modelTopology };
  if (saved.format !== undefined) json.format = saved.format;
  if (saved.userDefinedMetadata) json.userDefinedMetadata = saved.userDefinedMetadata;
  return { json, weightSpecs: saved.weightSpecs ?? [], weightData };
}

/**
 * Returns the model.json and weight bytes of `source`. Paths and relative shard names are
 * resolved against the model.json's folder or URL. Throws ConversionError when a file cannot
 * be read or fetched, or is not a TF.js model.
 */
export async function loadArtifacts(source: ModelSource, readFile?: ReadFile): Promise<TfjsArtifacts> {
  if (isModelLike(source)) return fromLiveModel(source);
  if (typeof source === 'object' && !(source instanceof URL)) {
    const json = source.modelJson;
    const specs = specsOf(json);
    if (source.weights instanceof Uint8Array) return { json, weightSpecs: specs, weightData: source.weights };
    const shards = source.weights;
    const parts = (json.weightsManifest ?? []).flatMap((g) =>
      g.paths.map((p) => {
        const b = shards[p];
        if (!b)
          throw new ConversionError(`weight shard ${JSON.stringify(p)} is missing from the given weights`);
        return b;
      }),
    );
    return { json, weightSpecs: specs, weightData: concat(parts) };
  }
  const where = source instanceof URL ? source.href : source;
  const read = readFile ?? defaultRead;
  const json = parseJson(await read(where), where);
  const parts: Uint8Array[] = [];
  for (const g of json.weightsManifest ?? []) {
    for (const p of g.paths) parts.push(await read(resolveNext(where, p)));
  }
  return { json, weightSpecs: specsOf(json), weightData: concat(parts) };
}
