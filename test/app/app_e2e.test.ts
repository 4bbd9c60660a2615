/**
 * The app end to end in Debian's headless Chromium (playwright-core, never a downloaded browser)
 * with a phone's viewport (390x844, touch, device scale factor 3). The app is built with Vite
 * into test-output/app/dist and served by app/server/serve.mjs (the `npm start` server); a second
 * instance with --cors plays the catalog's host, serving fixture files under the catalog's names
 * (links into the fixtures folder, nothing copied). One browser for every test; each test has its
 * own context (a fresh profile: no service worker, cache or storage from another test).
 *
 * Without Chromium or the fixtures the tests skip locally with one line; with CI=true they fail.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModel } from '../../app/src/model_catalog.js';
import { writeModel } from '../../src/format/model_writer.js';
import { ModelBuilder } from '../../src/ir/model_builder.js';
import { decodeImageBytes } from '../../src/node/decode_image.js';
import { ImageClassifier } from '../../src/vision/image_classifier.js';
import { HAVE_FIXTURES, fixturePath, readFixture } from '../support/fixtures.js';
import { OUTPUT, REPO, buildApp } from './helpers/app_build.js';
import { type RunningServer, startAppServer } from './helpers/app_server.js';
import { blankness, writeY4m } from './helpers/media.js';
import { launchChromium, requireChromium } from '../support/chromium.js';

const HAVE_CHROMIUM = requireChromium('app end-to-end tests');

const MOBILENET = 'models/classification/mobilenet_v1_0.25_224_quant.tflite';
const BURGER = 'images/burger.jpg';
const DIST = join(OUTPUT, 'dist');
const SHOTS = join(OUTPUT, 'screenshots');
const MIRROR = join(OUTPUT, 'mirror');
const Y4M = join(OUTPUT, 'burger.y4m');

/** Figures the tests measure, printed at the end (the issue asks for them; no test asserts a duration). */
const figures: Record<string, string> = {};

interface Prediction {
  text: string;
  index: number;
  score: number;
}

/** A model whose only op is a custom op no registry has. */
function unsupportedOpModel(): Uint8Array {
  const b = new ModelBuilder();
  const input = b.addTensor({ name: 'image', dtype: 'float32', shape: [1, 8, 8, 3] });
  const output = b.addTensor({ name: 'scores', dtype: 'float32', shape: [1, 4] });
  b.addOp({ op: 'TfliteTsNoSuchOp', custom: true, inputs: [input], outputs: [output] });
  b.setIO([input], [output]);
  return writeModel(b.build());
}

describe.skipIf(!HAVE_FIXTURES || !HAVE_CHROMIUM)('the app on a phone in headless Chromium', () => {
  let browser: Browser;
  let app: RunningServer;
  let mirror: RunningServer;
  let origin = '';
  let builtIn: 'repo' | 'generated' = 'generated';

  beforeAll(async () => {
    builtIn = buildApp(DIST).defaultModel;
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    await writeY4m(fixturePath(BURGER), Y4M, 480, 320);
    // The catalog host: the quantized MobileNet under its catalog name, and a damaged file under
    // the float one's name (its checksum must fail).
    rmSync(MIRROR, { recursive: true, force: true });
    mkdirSync(MIRROR, { recursive: true });
    symlinkSync(fixturePath(MOBILENET), join(MIRROR, catalogModel('mobilenet_v1_0.25_224_quant')!.file));
    writeFileSync(join(MIRROR, catalogModel('mobilenet_v1_0.25_224_float')!.file), Buffer.alloc(4096, 0x5a));
    app = await startAppServer(['--port', '0', '--host', '127.0.0.1', '--dir', DIST]);
    mirror = await startAppServer(['--port', '0', '--host', '127.0.0.1', '--dir', MIRROR, '--cors']);
    origin = `http://127.0.0.1:${app.port}`;
    browser = await launchChromium([
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${Y4M}`,
      '--use-fake-ui-for-media-stream',
    ]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await mirror?.stop();
    if (Object.keys(figures).length > 0) {
      console.log(
        `app figures:\n${Object.entries(figures)
          .map(([k, v]) => `  ${k}: ${v}`)
          .join('\n')}`,
      );
    }
  });

  /** A phone-sized context: 390x844 CSS px, touch, device scale factor 3. */
  async function phone(
    options: { permissions?: string[] } = {},
  ): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
      ...(options.permissions ? { permissions: options.permissions } : {}),
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return { context, page, errors };
  }

  /** Waits until the first model has loaded; returns the time from navigation to then (ms). */
  async function ready(page: Page): Promise<number> {
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, {
      timeout: 60_000,
    });
    return page.evaluate(() => performance.getEntriesByName('tflite-ts:ready')[0]!.startTime);
  }

  async function modelName(page: Page): Promise<string> {
    return (await page.locator('#model-card .model-name').textContent()) ?? '';
  }

  async function waitModel(page: Page, name: string): Promise<void> {
    await expect.poll(() => modelName(page), { timeout: 60_000 }).toContain(name);
  }

  async function alertText(page: Page): Promise<string> {
    const alert = page.getByRole('alert');
    await alert.waitFor({ state: 'visible', timeout: 60_000 });
    return (await alert.textContent()) ?? '';
  }

  async function predictions(page: Page): Promise<Prediction[]> {
    await page.locator('#screen-results').waitFor({ state: 'visible', timeout: 60_000 });
    const items = page.getByRole('list', { name: 'Predictions' }).getByRole('listitem');
    const out: Prediction[] = [];
    for (const li of await items.all()) {
      out.push({
        text: ((await li.textContent()) ?? '').trim(),
        index: Number(await li.getAttribute('data-index')),
        score: Number(await li.getAttribute('data-score')),
      });
    }
    return out;
  }

  async function cropRect(page: Page) {
    const [x, y, width, height] = ((await page.locator('#crop-viewport').getAttribute('data-crop')) ?? '')
      .split(',')
      .map(Number);
    return { x: x!, y: y!, width: width!, height: height! };
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const png = await page.screenshot({ path: join(SHOTS, name) });
    expect(await blankness(png), `${name} looks blank`).toBeUndefined();
  }

  /** One finger from `from` to `to`, in CSS pixels, through Chromium's touch input. */
  async function touchDrag(
    cdp: CDPSession,
    from: { x: number; y: number },
    to: { x: number; y: number },
  ): Promise<void> {
    await cdp.send('Input.dispatchTouchEvent', {
      type: 'touchStart',
      touchPoints: [{ x: from.x, y: from.y, id: 1 }],
    });
    for (let i = 1; i <= 8; i++) {
      const t = i / 8;
      await cdp.send('Input.dispatchTouchEvent', {
        type: 'touchMove',
        touchPoints: [{ x: from.x + t * (to.x - from.x), y: from.y + t * (to.y - from.y), id: 1 }],
      });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }

  /** Two fingers around `c`, moving apart horizontally from distance d0 to d1. */
  async function pinch(cdp: CDPSession, c: { x: number; y: number }, d0: number, d1: number): Promise<void> {
    const points = (d: number) => [
      { x: c.x - d / 2, y: c.y, id: 1 },
      { x: c.x + d / 2, y: c.y, id: 2 },
    ];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(d0) });
    for (let i = 1; i <= 8; i++) {
      await cdp.send('Input.dispatchTouchEvent', {
        type: 'touchMove',
        touchPoints: points(d0 + (i / 8) * (d1 - d0)),
      });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }

  it('opens MobileNet via "Open model", crops burger.jpg by touch, slider and keyboard, and classifies it as a cheeseburger', async () => {
    const { context, page, errors } = await phone();
    try {
      await page.goto(`${origin}/`);
      await ready(page);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await page.getByLabel('Open model').setInputFiles(fixturePath(MOBILENET));
      await waitModel(page, 'MobileNetV1 image classifier (quantized)');
      const facts = (await page.locator('#model-card .model-facts').textContent()) ?? '';
      expect(facts).toMatch(/509 KB · input 224×224 RGB · 1001 labels · [12] threads?/);
      expect(await page.locator('#model-card .badge').first().textContent()).toBe('uint8 quantized');

      await page.getByLabel('Choose photo').setInputFiles(fixturePath(BURGER));
      await page.locator('#crop-panel').waitFor({ state: 'visible' });
      expect(await cropRect(page)).toEqual({ x: 77, y: 0, width: 325, height: 325 }); // the centre square

      // Slider: zoom 2 halves the side around the centre.
      await page.getByLabel('Zoom').fill('2');
      expect(await cropRect(page)).toEqual({ x: 158, y: 81, width: 163, height: 163 });
      // Keyboard: 0 resets, arrows move by 5% of the side, + zooms in by 10%.
      const viewport = page.locator('#crop-viewport');
      await viewport.focus();
      await page.keyboard.press('0');
      expect(await cropRect(page)).toEqual({ x: 77, y: 0, width: 325, height: 325 });
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      expect((await cropRect(page)).x).toBe(45); // 77.5 - 2 * 16.25
      await page.keyboard.press('+');
      expect((await cropRect(page)).width).toBe(295); // 325 / 1.1
      await page.keyboard.press('0');
      // Wheel: scrolling up zooms in around the pointer.
      const vbox = (await viewport.boundingBox())!;
      await page.mouse.move(vbox.x + vbox.width / 2, vbox.y + vbox.height / 2);
      await page.mouse.wheel(0, -100);
      await expect.poll(async () => (await cropRect(page)).width).toBeLessThan(325);
      expect((await cropRect(page)).width).toBeGreaterThan(200); // one notch is a small step
      await page.keyboard.press('0');

      // Touch: a finger drags the photo to the right (the square moves left), two fingers pinch out.
      const cdp = await context.newCDPSession(page);
      const box = (await viewport.boundingBox())!;
      const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      await touchDrag(cdp, centre, { x: centre.x + 30, y: centre.y });
      const dragged = await cropRect(page);
      expect(dragged.width).toBe(325);
      expect(dragged.x).toBeLessThan(77);
      expect(dragged.x).toBeGreaterThan(30); // 30 CSS px of a ~366 px viewport is ~27 photo px
      await pinch(cdp, centre, 80, 100);
      const pinched = await cropRect(page);
      expect(pinched.width).toBeLessThan(300); // zoom ~1.25
      expect(pinched.width).toBeGreaterThan(220);
      await screenshot(page, 'screen-1-choose-and-crop.png');

      await page.getByRole('button', { name: 'Classify Image' }).click();
      const got = await predictions(page);
      expect(got).toHaveLength(3);
      expect(got[0]!.text).toMatch(/^cheeseburger \d{1,3}\.\d%$/);
      expect(got.map((p) => p.text.replace(/ [\d.]+%$/, ''))).toContain('cheeseburger');
      await screenshot(page, 'screen-2-results.png');
      const meta = (await page.locator('#result-meta').textContent()) ?? '';
      expect(meta).toContain('MobileNetV1 image classifier (quantized)');
      expect(meta).toMatch(/Inference\s*[\d.]+ ms/);

      // The same crop classified in Node gives the same labels and scores.
      const classifier = await ImageClassifier.create(readFixture(MOBILENET), { maxResults: 3 });
      const node = classifier.classify(await decodeImageBytes(readFixture(BURGER), 'burger.jpg'), {
        crop: pinched,
      });
      expect(got.map((p) => p.index)).toEqual(node.categories.map((c) => c.index));
      for (let k = 0; k < 3; k++)
        expect(Math.abs(got[k]!.score - node.categories[k]!.score)).toBeLessThanOrEqual(1e-6);

      await page.getByRole('button', { name: 'Try another photo' }).click();
      await page.locator('#screen-choose').waitFor({ state: 'visible' });
      expect(await page.locator('#crop-panel').isHidden()).toBe(true);
      expect(await page.getByRole('button', { name: 'Classify Image' }).isDisabled()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('downloads a catalog model with progress and sha256 check, rejects a damaged one, and keeps the good one offline', async () => {
    const { context, page, errors } = await phone();
    try {
      const entry = catalogModel('mobilenet_v1_0.25_224_quant')!;
      await page.goto(`${origin}/?mirror=${encodeURIComponent(`http://127.0.0.1:${mirror.port}/`)}`);
      await ready(page);
      await page.getByRole('button', { name: 'Models…' }).click();
      await page.evaluate(() => {
        const w = window as unknown as { sawProgress: boolean };
        w.sawProgress = false;
        new MutationObserver(() => {
          if (document.querySelector('#model-list progress')) w.sawProgress = true;
        }).observe(document.body, { subtree: true, childList: true });
      });
      await page.getByRole('button', { name: 'Download: MobileNet v1 0.25 (uint8 quantized)' }).click();
      await waitModel(page, 'MobileNetV1 image classifier (quantized)');
      expect(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).toBe(
        true,
      );
      const cached = await page.evaluate(async () =>
        (await (await caches.open('tflite-ts-models')).keys()).map((r) => r.url),
      );
      expect(cached).toEqual([entry.url]); // kept under its public URL, whichever host served it
      await expect
        .poll(() => page.locator(`[data-model="${entry.id}"]`).textContent())
        .toContain('saved offline');

      // A file whose bytes do not match the published sha256 is refused; the loaded model stays.
      await page.getByRole('button', { name: 'Download: MobileNet v1 0.25 (float32)' }).click();
      const message = await alertText(page);
      expect(message).toContain('mobilenet_v1_0.25_224_1_metadata_1.tflite: checksum mismatch');
      expect(await modelName(page)).toContain('MobileNetV1 image classifier (quantized)');

      // The catalog host goes away: the remembered model still loads, from the cache.
      await mirror.stop();
      await page.reload();
      await ready(page);
      await waitModel(page, 'MobileNetV1 image classifier (quantized)');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('takes a picture with the live camera (Chromium fake camera playing burger.jpg) and classifies it', async () => {
    const { context, page, errors } = await phone({ permissions: ['camera'] });
    try {
      await page.goto(`${origin}/`);
      await ready(page);
      await page.getByLabel('Open model').setInputFiles(fixturePath(MOBILENET));
      await waitModel(page, 'MobileNetV1 image classifier (quantized)');
      await page.getByRole('button', { name: 'Live camera' }).click();
      await page.waitForFunction(
        () => (document.getElementById('camera-video') as HTMLVideoElement).videoWidth > 0,
        null,
        {
          timeout: 30_000,
        },
      );
      await screenshot(page, 'screen-1-camera.png');
      await page.getByRole('button', { name: 'Take picture' }).click();
      await page.locator('#crop-panel').waitFor({ state: 'visible' });
      expect(await cropRect(page)).toEqual({ x: 80, y: 0, width: 320, height: 320 }); // 480x320 frames
      expect(await page.locator('#camera-panel').isHidden()).toBe(true);
      await page.getByRole('button', { name: 'Classify Image' }).click();
      const got = await predictions(page);
      expect(got).toHaveLength(3);
      expect(got[0]!.text).toMatch(/^cheeseburger \d{1,3}\.\d%$/);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('takes labels from a file picked with the model, or afterwards, when the model has none', async () => {
    const { context, page, errors } = await phone();
    try {
      const model = fixturePath(
        'models/classification/mobilenet_v1_0.25_224_quant_without_subgraph_metadata.tflite',
      );
      const labels = fixturePath('labels/imagenet_labels_1001.txt');
      await page.goto(`${origin}/`);
      await ready(page);
      await page.getByLabel('Open model').setInputFiles(model);
      await expect.poll(() => page.locator('#model-card .model-facts').textContent()).toContain('no labels');
      await page.locator('#labels-needed').waitFor({ state: 'visible' });
      await page.getByLabel('Labels file').setInputFiles(labels);
      await expect
        .poll(() => page.locator('#model-card .model-facts').textContent())
        .toContain('1001 labels (from file)');
      expect(await page.locator('#labels-needed').isHidden()).toBe(true);
      // Both at once, as picked together in the file dialog.
      await page.getByLabel('Open model').setInputFiles([model, labels]);
      await expect
        .poll(() => page.locator('#model-card .model-facts').textContent())
        .toContain('1001 labels (from file)');
      await page.getByLabel('Choose photo').setInputFiles(fixturePath(BURGER));
      await page.locator('#crop-panel').waitFor({ state: 'visible' });
      await page.getByRole('button', { name: 'Classify Image' }).click();
      expect((await predictions(page))[0]!.text).toMatch(/^cheeseburger \d/);
      // A labels file that does not fit the model is refused with the counts.
      await page.getByRole('button', { name: 'Try another photo' }).click();
      await page.getByLabel('Open model').setInputFiles([
        {
          name: 'mobilenet_v1_0.25_224_quant_without_subgraph_metadata.tflite',
          mimeType: 'application/octet-stream',
          buffer: readFileSync(model),
        },
        { name: 'three.txt', mimeType: 'text/plain', buffer: Buffer.from('a\nb\nc\n') },
      ]);
      expect(await alertText(page)).toMatch(
        /^“mobilenet_v1_0\.25_224_quant_without_subgraph_metadata\.tflite” cannot be used as an image classifier: the labels \(file\) have 3 lines but the model outputs 1001 classes/,
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('fits a 320 px phone and a desktop window without sideways scrolling', async () => {
    const context = await browser.newContext({
      viewport: { width: 320, height: 640 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      await ready(page);
      await page.getByRole('button', { name: 'Models…' }).click();
      await page.getByLabel('Choose photo').setInputFiles(fixturePath(BURGER));
      await page.locator('#crop-panel').waitFor({ state: 'visible' });
      const overflow = () =>
        page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(await overflow()).toBe(0);
      const crop = (await page.locator('#crop-viewport').boundingBox())!;
      expect(crop.x).toBeGreaterThanOrEqual(0);
      expect(crop.x + crop.width).toBeLessThanOrEqual(320);
      await page.setViewportSize({ width: 1280, height: 800 });
      expect(await overflow()).toBe(0);
      const main = (await page.locator('#screen-choose').boundingBox())!;
      expect(main.width).toBeLessThanOrEqual(640); // a centred column, not stretched
      expect(Math.abs(main.x + main.width / 2 - 640)).toBeLessThanOrEqual(2);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('works offline after the first visit: the built-in model still classifies', async () => {
    // Its own server, which is stopped before going offline: nothing but the service worker can answer.
    const server = await startAppServer(['--port', '0', '--host', '127.0.0.1', '--dir', DIST]);
    const { context, page, errors } = await phone();
    try {
      await page.goto(`http://127.0.0.1:${server.port}/`);
      figures['time to ready, first visit (ms)'] = (await ready(page)).toFixed(0);
      expect(await modelName(page)).not.toBe('');
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      // Installable: Chromium finds nothing missing (manifest, icons, service worker).
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      // (Playwright's contexts are incognito profiles, where nothing can be installed: that one is expected.)
      expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
      await server.stop();
      await context.setOffline(true);
      await page.reload();
      figures['time to ready, offline reload (ms)'] = (await ready(page)).toFixed(0);
      expect(await page.locator('#model-list [data-model="default"]').count()).toBe(1);
      // The project's model gets one of its own example images (a Fashion-MNIST test image).
      const photo =
        builtIn === 'repo'
          ? join(REPO, 'examples/images/fashion_mnist_sneaker_test9.png')
          : fixturePath(BURGER);
      await page.getByLabel('Choose photo').setInputFiles(photo);
      await page.locator('#crop-panel').waitFor({ state: 'visible' });
      await page.getByRole('button', { name: 'Classify Image' }).click();
      const got = await predictions(page);
      expect(got).toHaveLength(3);
      for (const p of got) expect(p.text).toMatch(/ \d{1,3}\.\d%$/);
      if (builtIn === 'repo') expect(got[0]!.text).toMatch(/^Sneaker \d/);
      else console.warn('offline test ran with a generated built-in model: models/ has no default model');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await server.stop();
    }
  }, 180_000);

  it('says clearly what is wrong with a corrupt or truncated model, an unsupported op, a corrupt photo and a missing camera', async () => {
    const { context, page, errors } = await phone();
    try {
      // No camera on this device: the browser finds no video input.
      await page.addInitScript(() => {
        const md = navigator.mediaDevices;
        md.enumerateDevices = async () => [];
        md.getUserMedia = async () => {
          throw new DOMException('Requested device not found', 'NotFoundError');
        };
      });
      await page.goto(`${origin}/`);
      await ready(page);
      const before = await modelName(page);

      await page.getByLabel('Open model').setInputFiles({
        name: 'broken.tflite',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from('this is not a FlatBuffer, just some text. '.repeat(20)),
      });
      expect(await alertText(page)).toMatch(/^“broken\.tflite” is not a valid TensorFlow Lite model: /);
      expect(await modelName(page)).toBe(before); // the previous model stays
      await page.getByRole('button', { name: 'Dismiss' }).click();
      await page.getByRole('alert').waitFor({ state: 'hidden' });

      await page.getByLabel('Open model').setInputFiles({
        name: 'truncated.tflite',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(readFixture(MOBILENET).subarray(0, 200_000)),
      });
      expect(await alertText(page)).toMatch(
        /^“truncated\.tflite” is not a valid TensorFlow Lite model: .*malformed or truncated/,
      );

      await page.getByLabel('Open model').setInputFiles({
        name: 'custom_op.tflite',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(unsupportedOpModel()),
      });
      expect(await alertText(page)).toMatch(
        /^“custom_op\.tflite” uses the operation TfliteTsNoSuchOp, which tflite-ts cannot run yet\. Choose another model\.$/,
      );
      expect(await modelName(page)).toBe(before);

      await page.getByLabel('Choose photo').setInputFiles({
        name: 'broken.jpg',
        mimeType: 'image/jpeg',
        buffer: Buffer.concat([
          Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]),
          Buffer.from('JFIF but then nothing sensible follows'),
        ]),
      });
      expect(await alertText(page)).toMatch(
        /^Cannot read the photo “broken\.jpg”: it is corrupt, truncated or in a format/,
      );
      expect(await page.locator('#crop-panel').isHidden()).toBe(true);
      expect(await page.getByRole('button', { name: 'Classify Image' }).isDisabled()).toBe(true);
      await page
        .getByLabel('Choose photo')
        .setInputFiles({ name: 'empty.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) });
      await expect
        .poll(() => alertText(page))
        .toBe('Cannot read the photo “empty.jpg”: the file is empty. Choose another photo.');

      await page.getByRole('button', { name: 'Live camera' }).click();
      expect(await alertText(page)).toBe('No camera was found on this device. Use “Choose photo” instead.');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('keeps the first load (HTML, JS, CSS, wasm) within 250 KB gzip and ships no fixture file', async () => {
    const { firstLoadSizes } = await import('./helpers/budget.js');
    const sizes = firstLoadSizes(DIST);
    figures['first load raw (bytes)'] = String(sizes.raw);
    figures['first load gzip (bytes)'] = String(sizes.gzip);
    for (const f of sizes.files) figures[`  ${f.name}`] = `${f.raw} raw, ${f.gzip} gzip`;
    expect(sizes.files.some((f) => f.name.endsWith('.js'))).toBe(true);
    expect(sizes.files.some((f) => f.name === 'index.html')).toBe(true);
    expect(sizes.gzip).toBeLessThanOrEqual(250_000);
    // No file of the build is a fixture (models, photos, labels).
    const manifest = readFileSync(fixturePath('MANIFEST.md'), 'utf8');
    const fixtureHashes = new Set(manifest.match(/\b[0-9a-f]{64}\b/g) ?? []);
    expect(fixtureHashes.size).toBeGreaterThan(100);
    for (const f of sizes.all) expect(fixtureHashes.has(f.sha256), `${f.name} is a fixture file`).toBe(false);
  });
});
