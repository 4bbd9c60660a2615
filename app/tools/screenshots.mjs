// Makes the README's screenshots of the app (docs/app-screen-1.png, docs/app-screen-2.png): the
// built app (npm run build:app first) served by app/server/serve.mjs, Debian's Chromium with a
// phone's viewport (390x844, scale 2), the built-in model and one of the project's own example
// images (examples/images, Fashion-MNIST test images). Run by hand: node app/tools/screenshots.mjs
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { startServer } from '../server/serve.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const photo = join(repo, 'examples', 'images', 'fashion_mnist_ankle-boot_test0.png');
const out = join(repo, 'docs');
mkdirSync(out, { recursive: true });

const { server, port } = await startServer({
  dir: join(repo, 'app', 'dist'),
  port: 0,
  host: '127.0.0.1',
  https: false,
  cors: false,
});
const browser = await chromium.launch({
  executablePath: process.env.TFLITE_TS_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  await page.getByLabel('Choose photo').setInputFiles(photo);
  await page.locator('#crop-panel').waitFor({ state: 'visible' });
  await page.evaluate(() => window.scrollTo(0, 0));
  /** Saves a screenshot as an 8-bit palette PNG (flat UI colours survive; the file stays small). */
  const save = async (name, options) => {
    const png = await page.screenshot(options);
    await sharp(png).png({ palette: true, quality: 95, compressionLevel: 9 }).toFile(join(out, name));
    console.log(`wrote docs/${name}`);
  };
  // The whole first screen: a viewport as tall as the page keeps the sticky button at the bottom.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 390, height });
  await save('app-screen-1.png', {});
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Classify Image' }).click();
  await page.locator('#screen-results').waitFor({ state: 'visible' });
  await save('app-screen-2.png', {});
} finally {
  await browser.close();
  server.close();
}
