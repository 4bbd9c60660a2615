// Renders the app icons (app/public/icons/*.png) from icon.svg with sharp. Run by hand after
// changing the SVG: node app/tools/make_icons.mjs. The maskable icon keeps the drawing inside
// the central 80% "safe zone" that launchers may crop to a circle.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
const svg = readFileSync(join(dir, 'icon.svg'));
for (const size of [192, 512]) {
  await sharp(svg, { density: (72 * size) / 512 })
    .resize(size, size)
    .png()
    .toFile(join(dir, `icon-${size}.png`));
}
// Maskable: full-bleed background, the drawing scaled to 80% in the middle.
const inner = await sharp(svg, { density: 72 * 0.8 })
  .resize(410, 410)
  .png()
  .toBuffer();
await sharp({ create: { width: 512, height: 512, channels: 4, background: '#0d5c4f' } })
  .composite([{ input: inner, gravity: 'centre' }])
  .png()
  .toFile(join(dir, 'icon-maskable-512.png'));
