/**
 * The pieces of the app's download path that run the same in Node: SHA-256 (the JavaScript
 * fallback used where Web Crypto is missing, against node:crypto), reading a member out of a
 * .tar.gz, labels files, mirror URLs, and the catalog's own consistency (hashes the fixtures'
 * MANIFEST.md lists must be the ones it lists).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CATALOG, downloadUrl } from '../../app/src/model_catalog.js';
import { parseLabels } from '../../app/src/model_store.js';
import { sha256, sha256Hex } from '../../app/src/sha256.js';
import { extractTarGzMember } from '../../app/src/tar_gz.js';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A ustar archive of `files` (name -> bytes), as `tar` writes it. */
function tar(files: Record<string, Uint8Array>): Uint8Array {
  const parts: Buffer[] = [];
  for (const [name, data] of Object.entries(files)) {
    const h = Buffer.alloc(512);
    h.write(name, 0, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148); // checksum field counts as spaces while summing
    h.write('0', 156);
    h.write('ustar\0' + '00', 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    parts.push(h, Buffer.from(data), Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return new Uint8Array(Buffer.concat(parts));
}

describe('app download path', () => {
  it('computes SHA-256 like node:crypto at every padding boundary and for large inputs', async () => {
    const sizes = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 65_537];
    for (const n of sizes) {
      const data = new Uint8Array(n).map((_, i) => (i * 131 + n) & 255);
      const want = createHash('sha256').update(data).digest('hex');
      expect(hex(sha256(data)), `${n} bytes`).toBe(want);
      expect(await sha256Hex(data), `${n} bytes (Web Crypto)`).toBe(want);
    }
    // a view into a larger buffer: only the view is hashed
    const big = new Uint8Array(300).map((_, i) => i & 255);
    expect(hex(sha256(big.subarray(10, 250)))).toBe(
      createHash('sha256').update(big.subarray(10, 250)).digest('hex'),
    );
  });

  it('extracts one member of a .tar.gz, by its base name', async () => {
    const model = new Uint8Array(1500).map((_, i) => (i * 7) & 255);
    const archive = gzipSync(
      tar({
        'inception_v3_2018_04_27/labels.txt': new TextEncoder().encode('a\nb\n'),
        'inception_v3_2018_04_27/inception_v3.tflite': model,
      }),
    );
    const got = await extractTarGzMember(new Uint8Array(archive), 'inception_v3.tflite', 'test.tgz');
    expect(hex(got)).toBe(hex(model));
    await expect(extractTarGzMember(new Uint8Array(archive), 'missing.tflite', 'test.tgz')).rejects.toThrow(
      /test\.tgz: the archive has no file named missing\.tflite/,
    );
  });

  it('reads labels files with CRLF and trailing blank lines', () => {
    expect(parseLabels('background\r\ntench\r\n\r\n')).toEqual(['background', 'tench']);
    expect(parseLabels('a\n\nc')).toEqual(['a', '', 'c']);
  });

  it('uses a mirror only for files with a published checksum', () => {
    const pinned = CATALOG.find((m) => m.sha256)!;
    const unpinned = CATALOG.find((m) => !m.sha256)!;
    expect(downloadUrl(pinned, 'http://127.0.0.1:9000/models')).toBe(
      `http://127.0.0.1:9000/models/${pinned.file}`,
    );
    expect(downloadUrl(pinned, undefined)).toBe(pinned.url);
    expect(downloadUrl(unpinned, 'http://127.0.0.1:9000/')).toBe(unpinned.url);
  });

  it('lists the models the issue asks for, each with https URL, size, input and precision', () => {
    const ids = CATALOG.map((m) => m.id);
    for (const want of [
      'mobilenet_v1_0.25_224_quant',
      'mobilenet_v1_0.25_224_float',
      'mobilenet_v2_1.0_224_quant',
      'mobilenet_v2_1.0_224_float',
      'efficientnet_lite0_int8',
      'inception_v3_quant',
      'inception_v3_float',
    ])
      expect(ids).toContain(want);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of CATALOG) {
      expect(m.url, m.id).toMatch(/^https:\/\//);
      expect(m.bytes, m.id).toBeGreaterThan(100_000);
      expect([224, 299], m.id).toContain(m.input);
      if (m.sha256) expect(m.sha256, m.id).toMatch(/^[0-9a-f]{64}$/);
      if (m.labels) expect(m.labels.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it.skipIf(!HAVE_FIXTURES)(
    'agrees with the fixtures MANIFEST on the files it holds (size and sha256)',
    () => {
      const manifest = readFileSync(fixturePath('MANIFEST.md'), 'utf8');
      let checked = 0;
      for (const m of CATALOG) {
        const row = manifest.split('\n').find((l) => l.includes(`/${m.file}\``));
        if (!row) continue;
        const [, , size, sha] = row.split('|').map((c) => c.trim().replace(/`/g, ''));
        expect(m.sha256, m.id).toBe(sha);
        expect(m.bytes, m.id).toBe(Number(size));
        expect(m.bytesApprox, m.id).toBeFalsy();
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(3);
      const labels = CATALOG.find((m) => m.labels)!.labels!;
      expect(
        createHash('sha256')
          .update(readFileSync(fixturePath('labels/imagenet_labels_1001.txt')))
          .digest('hex'),
      ).toBe(labels.sha256);
    },
  );
});
