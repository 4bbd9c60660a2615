/**
 * Screen 2: the classified crop, the model's name, the timings, and the top predictions as a list
 * named "Predictions" whose items read "label 87.5%" with a bar for the score.
 */
import { formatPercent, h } from './dom.js';
import type { ClassifyReply, ModelInfo } from './worker_protocol.js';

/** Fills the results screen's elements. */
export function renderResults(o: {
  list: HTMLElement;
  meta: HTMLElement;
  thumb: HTMLCanvasElement;
  result: ClassifyReply;
  info: ModelInfo;
  crop: HTMLCanvasElement;
}): void {
  const { result, info } = o;
  o.list.replaceChildren(
    ...result.predictions.map((p) => {
      const pct = formatPercent(p.score);
      return h(
        'li',
        // data-* carry the exact values (the text shows one decimal) for tests and tools.
        { class: 'prediction', 'data-index': String(p.index), 'data-score': String(p.score) },
        h('span', { class: 'prediction-label' }, p.label),
        ' ',
        h('span', { class: 'prediction-score' }, pct),
        h(
          'span',
          { class: 'bar', 'aria-hidden': 'true' },
          h('span', { style: `width: ${Math.max(0, Math.min(100, p.score * 100))}%` }),
        ),
      );
    }),
  );
  if (result.predictions.length === 0) o.list.append(h('li', {}, 'No label scored above the threshold'));
  const row = (term: string, value: string) => [h('dt', {}, term), h('dd', {}, value)];
  o.meta.replaceChildren(
    ...row('Model', info.name),
    ...row('Inference', `${result.inferenceMs.toFixed(1)} ms`),
    ...row('Preprocessing', `${result.preprocessMs.toFixed(1)} ms`),
    ...row('Crop', `${result.crop.width}×${result.crop.height} px at ${result.crop.x}, ${result.crop.y}`),
  );
  const ctx = o.thumb.getContext('2d')!;
  ctx.clearRect(0, 0, o.thumb.width, o.thumb.height);
  ctx.drawImage(o.crop, 0, 0, o.thumb.width, o.thumb.height);
}
