/**
 * Media helpers for the end-to-end tests: a Y4M video (what Chromium's fake camera plays) made
 * from a photo, and a check that a screenshot is not blank.
 */
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';

/**
 * Writes a one-frame YUV4MPEG2 (4:2:0) file of the photo at `photo`, resized to `width` x
 * `height` (even numbers). Colour conversion: BT.601 limited range, the matrix Chromium assumes
 * for the fake capture device's I420 frames.
 */
export async function writeY4m(photo: string, out: string, width: number, height: number): Promise<void> {
  const { data } = await sharp(photo)
    .resize(width, height, { fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  const clamp = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [data[3 * i]!, data[3 * i + 1]!, data[3 * i + 2]!];
    y[i] = clamp(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
  }
  // Chroma: the average of each 2x2 block.
  for (let by = 0; by < height / 2; by++) {
    for (let bx = 0; bx < width / 2; bx++) {
      let [r, g, b] = [0, 0, 0];
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const i = (2 * by + dy) * width + 2 * bx + dx;
        r += data[3 * i]! / 4;
        g += data[3 * i + 1]! / 4;
        b += data[3 * i + 2]! / 4;
      }
      const j = by * (width / 2) + bx;
      u[j] = clamp(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      v[j] = clamp(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\nFRAME\n`, 'ascii');
  writeFileSync(out, Buffer.concat([header, y, u, v]));
}

/** Returns a description of what is wrong with a screenshot that looks blank, or undefined if it shows something. */
export async function blankness(png: Buffer): Promise<string | undefined> {
  const stats = await sharp(png).stats();
  const spread = Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev));
  if (spread < 10) return `every channel is nearly uniform (largest stdev ${spread.toFixed(1)})`;
  const { data, info } = await sharp(png)
    .resize(64, 64, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const colours = new Set<number>();
  for (let i = 0; i < info.width * info.height; i++)
    colours.add((data[3 * i]! >> 3) * 1024 + (data[3 * i + 1]! >> 3) * 32 + (data[3 * i + 2]! >> 3));
  if (colours.size < 8) return `only ${colours.size} distinct colours`;
  return undefined;
}
