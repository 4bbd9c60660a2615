/**
 * golden.json's libcoral_movenet_lightning_squat: squat.bmp decoded to RGB, resized to the
 * 192x192 input with TFLite's RESIZE_BILINEAR (half-pixel centres, float32) and truncated to
 * uint8 (libcoral's test pipeline); the [1, 1, 17, 3] (y, x, score) output is compared with the
 * reference CSV as libcoral's CheckPoseEstimationResults does: every keypoint whose score is above
 * 0.4 in both is within 0.04 in x and y, and at least 17 / 2 keypoints are checked.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBmp } from '../../src/vision/bmp_decoder.js';
import { resizeTflite } from '../../src/vision/resize_tflite.js';
import { fixturePath, readFixture } from '../support/fixtures.js';
import { HAVE_FIXTURES, goldenCase, interpreterOrSkip } from './helpers.js';

interface Keypoint {
  score: number;
  x: number;
  y: number;
}

function referenceKeypoints(rel: string): Keypoint[] {
  const lines = readFileSync(fixturePath(rel), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [, , , score, x, y] = l.split(',').map(Number);
    return { score: score!, x: x!, y: y! };
  });
}

describe.skipIf(!HAVE_FIXTURES)('golden: libcoral MoveNet', () => {
  it('libcoral_movenet_lightning_squat: keypoints within 0.04 of the reference', (ctx) => {
    const c = goldenCase('libcoral_movenet_lightning_squat');
    const tol = c.tolerance as {
      keypoint_xy_abs: number;
      only_keypoints_with_score_above: number;
      min_checked_keypoints: number;
    };
    const it = interpreterOrSkip(ctx, c.model!);
    const [, h, w, channels] = it.input(0).shape as number[];
    expect(channels).toBe(3);
    const img = decodeBmp(readFixture(c.input!), c.input);
    const resized = resizeTflite(img, { x: 0, y: 0, width: img.width, height: img.height }, w!, h!);
    const rgb = new Uint8Array(w! * h! * 3);
    for (let i = 0; i < w! * h!; i++) rgb.set(resized.data.subarray(4 * i, 4 * i + 3), 3 * i);
    it.input(0).set(rgb);
    it.invoke();
    const out = it.output(0).data as Float32Array;
    expect(it.output(0).shape).toEqual([1, 1, 17, 3]);
    const ref = referenceKeypoints(c.reference_file!);
    let checked = 0;
    const report: string[] = [];
    ref.forEach((r, k) => {
      const ours = { y: out[3 * k]!, x: out[3 * k + 1]!, score: out[3 * k + 2]! };
      if (r.score > tol.only_keypoints_with_score_above && ours.score > tol.only_keypoints_with_score_above) {
        checked++;
        report.push(`${k}: dx ${(ours.x - r.x).toFixed(4)} dy ${(ours.y - r.y).toFixed(4)}`);
        expect(Math.abs(ours.x - r.x), `keypoint ${k} x`).toBeLessThanOrEqual(tol.keypoint_xy_abs);
        expect(Math.abs(ours.y - r.y), `keypoint ${k} y`).toBeLessThanOrEqual(tol.keypoint_xy_abs);
      }
    });
    expect(checked, report.join('; ')).toBeGreaterThanOrEqual(tol.min_checked_keypoints);
  });
});
