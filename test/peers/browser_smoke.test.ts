/**
 * Smoke test of the browser path: one small model runs in headless Chromium through the peers
 * harness, in both of Google's runtimes, and gives the same output bytes as the same runtime in
 * Node. The app's end-to-end tests and the Node-vs-browser comparisons rely on this path.
 */
import { describe, expect, it } from 'vitest';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';
import { type PeerRuntime, peersAvailable, runPeer } from '../support/peers.js';

const MODEL = 'models/classification/visual_wake_words/vww_96_int8.tflite';

describe.skipIf(!HAVE_FIXTURES || !peersAvailable('browser'))('peers in headless Chromium', () => {
  for (const runtime of ['litert', 'tfjs-tflite'] as PeerRuntime[]) {
    it(`${runtime} runs vww_96_int8 in the browser with the same bytes as in Node`, async () => {
      const model = fixturePath(MODEL);
      const browser = await runPeer({ runtime, env: 'browser', model, inputs: { random: 3 } });
      const node = await runPeer({ runtime, env: 'node', model, inputs: { random: 3 } });
      expect(browser.env).toBe('browser');
      expect(browser.env_version).toMatch(/^chromium \d+/);
      expect(browser.wasm_loaded.length).toBeGreaterThan(0);
      expect(node.env).toBe('node');
      expect(browser.inputs.map((t) => [t.name, t.dtype, t.shape])).toEqual([
        ['input_1_int8', 'int8', [1, 96, 96, 3]],
      ]);
      expect(Buffer.compare(browser.inputs[0]!.data, node.inputs[0]!.data)).toBe(0);
      expect(browser.outputs.map((t) => [t.name, t.dtype, t.shape])).toEqual([
        ['Identity_int8', 'int8', [1, 2]],
      ]);
      expect(Array.from(new Int8Array(browser.outputs[0]!.data.buffer))).toEqual(
        Array.from(new Int8Array(node.outputs[0]!.data.buffer)),
      );
    });
  }
});
