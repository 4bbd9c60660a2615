/**
 * Non-max suppression of TFLite_Detection_PostProcess (TFLite detection_postprocess.cc):
 *
 * - single class: keep boxes whose score >= the score threshold, visit them by decreasing score
 *   (ties: lower box index first, TFLite's stable sort), select a box and drop every later box
 *   whose IoU with it exceeds the IoU threshold, until max_detections are selected;
 * - fast multi-class (class-agnostic): each box competes with its best class score; the output
 *   lists each selected box's top max_classes_per_detection classes;
 * - regular multi-class: single-class NMS per class (detections_per_class each), then the best
 *   max_detections of all classes by score.
 *
 * IoU is computed in float32 as TFLite does, so threshold decisions match exactly. Equal scores
 * (frequent with uint8 scores) are ordered as TFLite orders them: by box index here (its stable
 * sort), libc++'s partial_sort for the top classes of a box (partial_sort.ts), and later classes
 * first when regular NMS merges a class into the running list (detection_postprocess.ts).
 */

const f = Math.fround;

/** Intersection over union of boxes i and j of `boxes` ([ymin, xmin, ymax, xmax] each), float32. */
export function intersectionOverUnion(boxes: Float32Array, i: number, j: number): number {
  const a = 4 * i;
  const b = 4 * j;
  const areaI = f(f(boxes[a + 2]! - boxes[a]!) * f(boxes[a + 3]! - boxes[a + 1]!));
  const areaJ = f(f(boxes[b + 2]! - boxes[b]!) * f(boxes[b + 3]! - boxes[b + 1]!));
  if (areaI <= 0 || areaJ <= 0) return 0;
  const ymin = Math.max(boxes[a]!, boxes[b]!);
  const xmin = Math.max(boxes[a + 1]!, boxes[b + 1]!);
  const ymax = Math.min(boxes[a + 2]!, boxes[b + 2]!);
  const xmax = Math.min(boxes[a + 3]!, boxes[b + 3]!);
  const inter = f(Math.max(f(ymax - ymin), 0) * Math.max(f(xmax - xmin), 0));
  return f(inter / f(f(areaI + areaJ) - inter));
}

/** Work arrays of single-class NMS, sized for num_boxes (from scratch memory). */
export interface NmsScratch {
  /** Candidate box indices (kept by the score threshold), sorted by decreasing score. */
  order: Int32Array;
  active: Uint8Array;
}

/**
 * Single-class NMS over `scores[0..numBoxes)`. Writes the selected box indices (best first) to
 * `selected` and returns how many (at most maxDetections). Never throws.
 */
export function nonMaxSuppressionSingleClass(
  boxes: Float32Array,
  scores: Float32Array,
  numBoxes: number,
  scoreThreshold: number,
  iouThreshold: number,
  maxDetections: number,
  s: NmsScratch,
  selected: Int32Array,
): number {
  let kept = 0;
  for (let i = 0; i < numBoxes; i++) if (scores[i]! >= scoreThreshold) s.order[kept++] = i;
  const order = s.order.subarray(0, kept);
  order.sort((x, y) => scores[y]! - scores[x]! || x - y);
  const outputSize = Math.min(kept, maxDetections);
  s.active.fill(1, 0, kept);
  let numActive = kept;
  let count = 0;
  for (let i = 0; i < kept; i++) {
    if (numActive === 0 || count >= outputSize) break;
    if (s.active[i] !== 1) continue;
    const bi = order[i]!;
    selected[count++] = bi;
    s.active[i] = 0;
    numActive--;
    for (let j = i + 1; j < kept; j++) {
      if (s.active[j] === 1 && intersectionOverUnion(boxes, bi, order[j]!) > iouThreshold) {
        s.active[j] = 0;
        numActive--;
      }
    }
  }
  return count;
}
