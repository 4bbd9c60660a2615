/**
 * The zip archive of associated files (labels.txt, vocab.txt, ...) that TFLite Metadata's
 * populator appends after a model's FlatBuffer. TFLite's metadata extractor opens the whole
 * model file as a zip, so the archive's offsets are normally absolute (from the start of the
 * file); archives appended without adjusting them (offsets relative to the zip's own start)
 * are accepted too.
 *
 * The directory structure is parsed and bounds-checked here (fflate's `unzipSync` trusts its
 * input: a malformed count or size makes it loop for a long time or allocate gigabytes);
 * fflate inflates deflated entries and builds the archive we append.
 *
 * Zip layout recap (all little-endian): local file header (sig 0x04034b50, 30 bytes + name +
 * extra) and data per file; then the central directory, one 46-byte header (sig 0x02014b50)
 * + name + extra + comment per file, each pointing at its local header; then the end of
 * central directory record (EOCD, sig 0x06054b50, 22 bytes + comment) holding the entry count,
 * the directory's size and its offset.
 */
import { inflateSync, zipSync } from 'fflate';
import { ModelFormatError } from '../errors.js';
import type { AssociatedFileData } from '../ir/model.js';

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;
const EOCD_SIZE = 22;
const CDH_SIZE = 46;
const LFH_SIZE = 30;
/** Deflate cannot expand data by more than ~1032:1; a larger declared size is a lie (or a bomb). */
const MAX_DEFLATE_RATIO = 1032;

const PATH = 'associated_files (zip)';
const utf8 = new TextDecoder('utf-8');

function fail(problem: string, cause?: unknown): never {
  throw new ModelFormatError(PATH, problem, cause === undefined ? undefined : { cause });
}

/** Returns the position of the EOCD record in `bytes[from, end)`, or -1 when there is none. */
function findEocd(bytes: Uint8Array, view: DataView, from: number): number {
  // The EOCD is the last record; only its comment (at most 65535 bytes) may follow it.
  const lowest = Math.max(from, bytes.length - EOCD_SIZE - 0xffff);
  for (let e = bytes.length - EOCD_SIZE; e >= lowest; e--) {
    if (
      view.getUint32(e, true) === EOCD_SIG &&
      e + EOCD_SIZE + view.getUint16(e + 20, true) === bytes.length
    ) {
      return e;
    }
  }
  return -1;
}

/**
 * Returns the files of a zip archive found in `bytes[from, end)` (the bytes after the
 * FlatBuffer), or undefined when no archive is there. Stored files are views into `bytes`.
 * Throws ModelFormatError when an archive is present but malformed.
 */
export function readAssociatedFiles(bytes: Uint8Array, from: number): AssociatedFileData[] | undefined {
  if (bytes.length - from < EOCD_SIZE) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const e = findEocd(bytes, view, from);
  if (e < 0) return undefined;

  const disk = view.getUint16(e + 4, true);
  const cdDisk = view.getUint16(e + 6, true);
  const entriesHere = view.getUint16(e + 8, true);
  const entries = view.getUint16(e + 10, true);
  const cdSize = view.getUint32(e + 12, true);
  const cdOffset = view.getUint32(e + 16, true);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    fail('zip64 archives are not supported for associated files');
  }
  if (disk !== 0 || cdDisk !== 0 || entriesHere !== entries) fail('multi-disk archives are not supported');
  const cdStart = e - cdSize;
  if (cdStart < from) fail(`central directory of ${cdSize} bytes starts before the end of the FlatBuffer`);
  // Offsets are absolute when the directory sits where the EOCD says; otherwise they are
  // relative to the zip's own start, which is then `base` bytes into the file.
  const base = cdStart - cdOffset;
  if (base < 0) fail(`central directory offset ${cdOffset} points past the directory itself`);
  if (entries * CDH_SIZE > cdSize)
    fail(`${entries} entries do not fit in a ${cdSize}-byte central directory`);

  const files: AssociatedFileData[] = [];
  let p = cdStart;
  for (let i = 0; i < entries; i++) {
    if (p + CDH_SIZE > e || view.getUint32(p, true) !== CDH_SIG)
      fail(`central directory entry ${i} is damaged`);
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const compressedSize = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const localOffset = view.getUint32(p + 42, true);
    const next = p + CDH_SIZE + nameLen + extraLen + commentLen;
    if (next > e) fail(`central directory entry ${i} runs past the directory`);
    const name = utf8.decode(bytes.subarray(p + CDH_SIZE, p + CDH_SIZE + nameLen));
    if (flags & 1) fail(`file ${JSON.stringify(name)} is encrypted`);

    const lh = base + localOffset;
    if (lh < from || lh + LFH_SIZE > cdStart || view.getUint32(lh, true) !== LFH_SIG) {
      fail(`local header of ${JSON.stringify(name)} at byte ${lh} is missing or damaged`);
    }
    const start = lh + LFH_SIZE + view.getUint16(lh + 26, true) + view.getUint16(lh + 28, true);
    const end = start + compressedSize;
    if (end > cdStart)
      fail(`data of ${JSON.stringify(name)} (${compressedSize} bytes) runs into the central directory`);
    const raw = bytes.subarray(start, end);
    if (method === 0) {
      if (size !== compressedSize)
        fail(`stored file ${JSON.stringify(name)} has size ${size} != ${compressedSize}`);
      files.push({ name, data: raw });
    } else if (method === 8) {
      if (size > compressedSize * MAX_DEFLATE_RATIO + 64) {
        fail(`deflated file ${JSON.stringify(name)} claims ${size} bytes from ${compressedSize}`);
      }
      let data: Uint8Array;
      try {
        data = inflateSync(raw, { out: new Uint8Array(size) });
      } catch (err) {
        fail(
          `cannot inflate ${JSON.stringify(name)}: ${err instanceof Error ? err.message : String(err)}`,
          err,
        );
      }
      if (data.length !== size)
        fail(`${JSON.stringify(name)} inflates to ${data.length} bytes, expected ${size}`);
      files.push({ name, data });
    } else {
      fail(`file ${JSON.stringify(name)} uses unsupported compression method ${method}`);
    }
    p = next;
  }
  return files;
}

/**
 * Returns a zip archive (files stored, not compressed) holding `files`, with offsets counted
 * from `baseOffset`: the number of bytes that will precede the archive in the model file.
 */
export function writeAssociatedFilesZip(
  files: readonly AssociatedFileData[],
  baseOffset: number,
): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const f of files) {
    if (Object.hasOwn(entries, f.name))
      throw new ModelFormatError(PATH, `two files are named ${JSON.stringify(f.name)}`);
    entries[f.name] = f.data;
  }
  // A fixed timestamp keeps the written model byte-for-byte reproducible.
  const zip = zipSync(entries, { level: 0, mtime: new Date(1980, 0, 1) });
  if (baseOffset === 0) return zip;
  // fflate counts offsets from the archive's start; shift them to count from the file's start
  // (what TFLite's populator writes): each directory entry's local-header offset and the
  // EOCD's directory offset.
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const e = zip.length - EOCD_SIZE;
  const entriesCount = view.getUint16(e + 10, true);
  const cdOffset = view.getUint32(e + 16, true);
  if (baseOffset + zip.length > 0xffffffff) {
    throw new ModelFormatError(PATH, 'the model is too large (over 4 GiB) for a zip of associated files');
  }
  let p = cdOffset;
  for (let i = 0; i < entriesCount; i++) {
    view.setUint32(p + 42, view.getUint32(p + 42, true) + baseOffset, true);
    p +=
      CDH_SIZE + view.getUint16(p + 28, true) + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  view.setUint32(e + 16, cdOffset + baseOffset, true);
  return zip;
}
