/**
 * Node vs headless Chromium on the same photos. The runtime, the vision code and the browser
 * decoder (src/browser) are bundled with esbuild into a test page served on 127.0.0.1; Debian's
 * Chromium (/usr/bin/chromium) is driven by playwright-core. The browser must decode every photo
 * to the same RGBA bytes as the Node decoder (JPEG, an EXIF-rotated JPEG, PNG, WebP, BMP) and
 * classify a photo with the same top-3 and scores within 1e-6.
 *
 * Without Chromium the test skips locally with one line; with CI=true it fails.
 */
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedOpError } from '../../../src/errors.js';
import { decodeImageBytes } from '../../../src/node/decode_image.js';
import { ImageClassifier, type ImageClassifierOptions } from '../../../src/vision/image_classifier.js';
import { HAVE_FIXTURES, fixturePath } from '../../support/fixtures.js';
import { withExifOrientation } from '../helpers/image_files.js';
import { launchChromium, requireChromium } from '../../support/chromium.js';

const HAVE_CHROMIUM = requireChromium('browser parity tests');

/** A classifier model our kernels can run; the first that allocates is used. */
const MODELS = [
  'models/classification/mobilenet_v1_0.25_224_quant.tflite',
  'models/classification/mobilenet_v2_1.0_224_quant.tflite',
];

describe.skipIf(!HAVE_FIXTURES || !HAVE_CHROMIUM)('Node and headless Chromium agree', () => {
  const files = new Map<string, { type: string; body: Uint8Array }>();
  let server: Server;
  let browser: Browser;
  let page: Page;
  let origin = '';

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('./page_entry.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    files.set('/bundle.js', { type: 'text/javascript', body: bundle.outputFiles[0]!.contents });
    files.set('/', {
      type: 'text/html',
      body: Buffer.from('<!doctype html><script type="module" src="/bundle.js"></script>'),
    });
    server = createServer((req, res) => {
      const f = files.get(req.url ?? '');
      if (!f) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': f.type, 'content-length': f.body.byteLength }).end(f.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium([]);
    page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'tfliteTsTest' in globalThis);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  /** Serves `bytes` at `path` and returns its URL path. */
  const serve = (path: string, bytes: Uint8Array, type = 'application/octet-stream') => {
    files.set(path, { type, body: bytes });
    return path;
  };

  it('decodes JPEG, EXIF-rotated JPEG, PNG, WebP and BMP to the same RGBA bytes', async () => {
    const burger = new Uint8Array(readFileSync(fixturePath('images/burger.jpg')));
    const sideways = new Uint8Array(await sharp(burger).rotate(270).jpeg({ quality: 92 }).toBuffer());
    const photos: [string, Uint8Array][] = [
      ['burger.jpg', burger],
      ['grace_hopper.jpg', new Uint8Array(readFileSync(fixturePath('images/grace_hopper.jpg')))],
      ['rotated.jpg', withExifOrientation(sideways, 6)],
      ['chelsea.png', new Uint8Array(readFileSync(fixturePath('images/chelsea.png')))],
      [
        'chelsea.webp',
        new Uint8Array(
          await sharp(readFileSync(fixturePath('images/chelsea.png')))
            .webp({ quality: 80 })
            .toBuffer(),
        ),
      ],
      ['cat.bmp', new Uint8Array(readFileSync(fixturePath('images/cat.bmp')))],
    ];
    for (const [name, bytes] of photos) {
      const url = serve(`/${name}`, bytes);
      const node = await decodeImageBytes(bytes, name);
      const web = await page.evaluate(
        (u) =>
          (
            globalThis as never as {
              tfliteTsTest: { decode(u: string): Promise<{ width: number; height: number; rgba: string }> };
            }
          ).tfliteTsTest.decode(u),
        url,
      );
      expect([web.width, web.height], name).toEqual([node.width, node.height]);
      const webBytes = Buffer.from(web.rgba, 'base64');
      expect(webBytes.length, name).toBe(node.width * node.height * 4);
      let differing = 0;
      for (let i = 0; i < webBytes.length; i++) if (webBytes[i] !== node.data[i]) differing++;
      expect(differing, `${name}: bytes that differ between Chromium and Node`).toBe(0);
    }
  }, 120_000);

  it('gives ImageDecodeError for a corrupt image', async () => {
    const url = serve('/corrupt.jpg', Buffer.from('\xff\xd8\xff\xe0 definitely not a jpeg', 'latin1'));
    const err = await page.evaluate(
      (u) =>
        (
          globalThis as never as {
            tfliteTsTest: { decodeError(u: string): Promise<{ name: string; message: string } | null> };
          }
        ).tfliteTsTest.decodeError(u),
      url,
    );
    expect(err?.name).toBe('ImageDecodeError');
    expect(err?.message).toMatch(/^corrupt\.jpg: cannot decode image: /);
  });

  it('classifies the same photo with the same top-3 and scores within 1e-6', async (ctx) => {
    const options: ImageClassifierOptions = { maxResults: 3, crop: 'center' };
    let modelPath = '';
    let classifier: ImageClassifier | undefined;
    for (const m of MODELS) {
      try {
        classifier = await ImageClassifier.create(new Uint8Array(readFileSync(fixturePath(m))), options);
        modelPath = m;
        break;
      } catch (err) {
        if (!(err instanceof UnsupportedOpError)) throw err;
      }
    }
    if (!classifier) {
      console.warn('skipped: no classifier model runs yet (kernels missing)');
      ctx.skip();
      return;
    }
    const photo = new Uint8Array(readFileSync(fixturePath('images/burger.jpg')));
    const node = classifier.classify(await decodeImageBytes(photo, 'burger.jpg'));
    const nodeScores = classifier.scores();
    serve('/burger.jpg', photo, 'image/jpeg');
    serve('/model.tflite', new Uint8Array(readFileSync(fixturePath(modelPath))));
    const web = await page.evaluate(
      ([o]) =>
        (
          globalThis as never as {
            tfliteTsTest: {
              classify(
                m: string,
                i: string,
                o: unknown,
              ): Promise<{ categories: { index: number; score: number }[]; scores: number[] }>;
            };
          }
        ).tfliteTsTest.classify('/model.tflite', '/burger.jpg', o),
      [options] as const,
    );
    expect(web.categories.map((c) => c.index)).toEqual(node.categories.map((c) => c.index));
    expect(node.categories[0]!.label).toBe(modelPath.includes('v1_0.25') ? 'cheeseburger' : '#934');
    for (let k = 0; k < 3; k++)
      expect(Math.abs(web.categories[k]!.score - node.categories[k]!.score)).toBeLessThanOrEqual(1e-6);
    let maxDiff = 0;
    for (let i = 0; i < nodeScores.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(web.scores[i]! - nodeScores[i]!));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
  }, 180_000);
});
