/**
 * TFLite_Detection_PostProcess, the custom op at the end of SSD detection models: decodes box
 * encodings against anchors, runs non-max suppression (fast class-agnostic or regular per-class)
 * and writes four float32 outputs whose shapes the options fix:
 *   0 boxes [1, N, 4] (ymin, xmin, ymax, xmax), 1 classes [1, N], 2 scores [1, N], 3 count [1]
 * with N = max_detections * max_classes_per_detection.
 *
 * Inputs: 0 box encodings [1, num_boxes, box_code_size >= 4], 1 class scores
 * [1, num_boxes, num_classes (+1 background)], 2 anchors [num_boxes, 4]; all float32, or all
 * uint8 (dequantized with each tensor's parameters), as TFLite supports. Rows past the count are
 * zero (TFLite leaves them unwritten).
 */
import { decodeCenterSizeBoxes, type CoordinateSource } from './box_decoding.js';
import { type DetectionOptions, readDetectionOptions } from './detection_options.js';
import { type NmsScratch, nonMaxSuppressionSingleClass } from './non_max_suppression.js';
import { partialSortDecreasing } from './partial_sort.js';
import { TfliteError } from '../../errors.js';
import {
  type Kernel,
  type KernelNode,
  type KernelTensor,
  expectDtype,
  input,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';

interface DetectionData {
  o: DetectionOptions;
  quantized: boolean;
  numBoxes: number;
  boxCodeSize: number;
  numClassesWithBackground: number;
  labelOffset: number;
  numCategoriesPerAnchor: number;
  numDetectedBoxes: number;
  scratch: number;
  /** Byte offsets of the scratch arrays. */
  layout: Record<string, number>;
}

/** Assigns aligned byte offsets to named arrays; returns the total size. */
function carve(sizes: Record<string, number>): { layout: Record<string, number>; bytes: number } {
  const layout: Record<string, number> = {};
  let at = 0;
  for (const [name, bytes] of Object.entries(sizes)) {
    layout[name] = at;
    at += Math.ceil(bytes / 8) * 8;
  }
  return { layout, bytes: Math.max(at, 8) };
}

function quantOf(node: KernelNode, t: KernelTensor, role: string): { scale: number; zeroPoint: number } {
  const scale = t.quant?.scale[0];
  if (scale === undefined)
    throw unsupported(node, `uint8 ${role} ${JSON.stringify(t.name)} must be quantized`);
  // Scales are float32 in a model file; round in case an in-memory model holds doubles.
  return { scale: Math.fround(scale), zeroPoint: t.quant!.zeroPoint[0] ?? 0 };
}

/**
 * TFLite's DecreasingPartialArgSort: the indices of the k largest of values[start..start+n) into
 * out[0..k): the first maximum for k == 1 (ArgMaxVector), else libc++'s partial_sort over iota.
 */
function topClasses(values: Float32Array, start: number, n: number, k: number, out: Int32Array): void {
  if (k <= 0 || n <= 0) return;
  if (k === 1) {
    let best = 0;
    for (let i = 1; i < n; i++) if (values[start + i]! > values[start + best]!) best = i;
    out[0] = best;
    return;
  }
  for (let i = 0; i < n; i++) out[i] = i;
  partialSortDecreasing(out, n, k, values, start);
}

export const detectionPostprocessKernel: Kernel<DetectionData> = {
  op: 'TFLite_Detection_PostProcess',
  prepare(node, ctx) {
    const o = readDetectionOptions(node);
    if (node.inputs.length !== 3) throw shapeError(node, `expects 3 inputs, has ${node.inputs.length}`);
    if (node.outputs.length !== 4) throw shapeError(node, `expects 4 outputs, has ${node.outputs.length}`);
    const enc = input(node, 0);
    const cls = input(node, 1);
    const anchors = input(node, 2);
    if (enc.shape.length !== 3 || cls.shape.length !== 3 || anchors.shape.length !== 2) {
      throw shapeError(
        node,
        `box encodings [${enc.shape}] and class scores [${cls.shape}] must have rank 3, anchors [${anchors.shape}] rank 2`,
      );
    }
    if (enc.shape[0] !== 1 || cls.shape[0] !== 1)
      throw shapeError(node, 'only batch size 1 is supported (as TFLite)');
    const numBoxes = enc.shape[1]!;
    const boxCodeSize = enc.shape[2]!;
    if (boxCodeSize < 4) throw shapeError(node, `box_code_size ${boxCodeSize} must be at least 4`);
    if (cls.shape[1] !== numBoxes || anchors.shape[0] !== numBoxes || anchors.shape[1] !== 4) {
      throw shapeError(
        node,
        `class scores [${cls.shape}] and anchors [${anchors.shape}] must match ${numBoxes} boxes`,
      );
    }
    const ncwb = cls.shape[2]!;
    const labelOffset = ncwb - o.numClasses;
    if (labelOffset < 0 || labelOffset > 1) {
      throw shapeError(
        node,
        `class scores have ${ncwb} columns for num_classes ${o.numClasses} (allowed: equal, or one more for background)`,
      );
    }
    if (!(o.nmsIouThreshold > 0 && o.nmsIouThreshold <= 1)) {
      throw unsupported(node, `nms_iou_threshold ${o.nmsIouThreshold} must be in (0, 1]`);
    }
    if (o.maxDetections < 0) throw unsupported(node, `max_detections ${o.maxDetections} must be >= 0`);
    if (o.useRegularNms ? o.detectionsPerClass <= 0 : o.maxClassesPerDetection <= 0) {
      throw unsupported(
        node,
        'detections_per_class (regular NMS) / max_classes_per_detection (fast NMS) must be > 0',
      );
    }
    const quantized = enc.dtype === 'uint8';
    if (quantized) {
      expectDtype(node, cls, ['uint8', 'float32'], 'class scores');
      expectDtype(node, anchors, ['uint8'], 'anchors');
    } else {
      expectDtype(node, enc, ['float32'], 'box encodings');
      expectDtype(node, cls, ['uint8', 'float32'], 'class scores');
      expectDtype(node, anchors, ['float32'], 'anchors');
    }
    const numDetectedBoxes = o.maxDetections * Math.max(o.maxClassesPerDetection, 0);
    const outs = node.outputs;
    const shapes = [[1, numDetectedBoxes, 4], [1, numDetectedBoxes], [1, numDetectedBoxes], [1]];
    outs.forEach((t, i) => {
      t.dtype = 'float32';
      t.shape = shapes[i]!;
    });
    const numCategoriesPerAnchor = Math.min(o.maxClassesPerDetection, o.numClasses);
    const listLen = o.maxDetections + Math.min(Math.max(o.detectionsPerClass, 0), numBoxes);
    const { layout, bytes } = carve({
      decoded: numBoxes * 16,
      scores: cls.dtype === 'uint8' ? numBoxes * ncwb * 4 : 0,
      perBox: numBoxes * 4,
      order: numBoxes * 4,
      active: numBoxes,
      classIdx: o.useRegularNms ? 0 : numBoxes * Math.max(numCategoriesPerAnchor, 1) * 4,
      classTmp: o.useRegularNms ? 0 : Math.max(o.numClasses, 1) * 4,
      selected: Math.max(numBoxes, 1) * 4,
      listIdx: o.useRegularNms ? listLen * 4 : 0,
      listScore: o.useRegularNms ? listLen * 4 : 0,
      mergeIdx: o.useRegularNms ? listLen * 4 : 0,
      mergeScore: o.useRegularNms ? listLen * 4 : 0,
    });
    return {
      o,
      quantized,
      numBoxes,
      boxCodeSize,
      numClassesWithBackground: ncwb,
      labelOffset,
      numCategoriesPerAnchor,
      numDetectedBoxes,
      scratch: ctx.requestScratch(bytes),
      layout,
    };
  },
  eval(node, d, ctx) {
    const buf = ctx.scratch(d.scratch);
    const at = (name: string) => buf.byteOffset + d.layout[name]!;
    const nb = d.numBoxes;
    const ncwb = d.numClassesWithBackground;
    const decoded = new Float32Array(buf.buffer, at('decoded'), nb * 4);
    const enc = input(node, 0);
    const anchors = input(node, 2);
    const source = (t: KernelTensor, stride: number, role: string): CoordinateSource =>
      t.dtype === 'uint8'
        ? { data: t.data as Uint8Array, stride, ...quantOf(node, t, role) }
        : { data: t.data as Float32Array, stride, scale: 1, zeroPoint: 0 };
    decodeCenterSizeBoxes(
      source(enc, d.boxCodeSize, 'box encodings'),
      source(anchors, 4, 'anchors'),
      nb,
      {
        y: d.o.yScale,
        x: d.o.xScale,
        h: d.o.hScale,
        w: d.o.wScale,
      },
      decoded,
    );
    for (let i = 0; i < nb; i++) {
      if (decoded[4 * i]! > decoded[4 * i + 2]! || decoded[4 * i + 1]! > decoded[4 * i + 3]!) {
        throw new TfliteError(
          'KERNEL',
          `node ${node.index} (${node.op}): decoded box ${i} has min > max (check the box scales)`,
        );
      }
    }

    const cls = input(node, 1);
    let scores: Float32Array;
    if (cls.dtype === 'uint8') {
      const { scale, zeroPoint } = quantOf(node, cls, 'class scores');
      const q = cls.data as Uint8Array;
      scores = new Float32Array(buf.buffer, at('scores'), nb * ncwb);
      for (let i = 0; i < nb * ncwb; i++) scores[i] = (q[i]! - zeroPoint) * scale;
    } else scores = cls.data as Float32Array;

    const outBoxes = output(node, 0).data as Float32Array;
    const outClasses = output(node, 1).data as Float32Array;
    const outScores = output(node, 2).data as Float32Array;
    const outCount = output(node, 3).data as Float32Array;
    outBoxes.fill(0);
    outClasses.fill(0);
    outScores.fill(0);

    const nms: NmsScratch = {
      order: new Int32Array(buf.buffer, at('order'), nb),
      active: new Uint8Array(buf.buffer, at('active'), nb),
    };
    const perBox = new Float32Array(buf.buffer, at('perBox'), nb);
    const selected = new Int32Array(buf.buffer, at('selected'), Math.max(nb, 1));
    const o = d.o;
    if (!o.useRegularNms) {
      // Fast NMS: each box's top classes, NMS on the best class score.
      const k = d.numCategoriesPerAnchor;
      const classIdx = new Int32Array(buf.buffer, at('classIdx'), nb * Math.max(k, 1));
      const tmp = new Int32Array(buf.buffer, at('classTmp'), Math.max(o.numClasses, 1));
      for (let b = 0; b < nb; b++) {
        const start = b * ncwb + d.labelOffset;
        topClasses(scores, start, o.numClasses, k, tmp);
        classIdx.set(tmp.subarray(0, k), b * k);
        perBox[b] = scores[start + tmp[0]!]!;
      }
      const count = nonMaxSuppressionSingleClass(
        decoded,
        perBox,
        nb,
        o.nmsScoreThreshold,
        o.nmsIouThreshold,
        o.maxDetections,
        nms,
        selected,
      );
      for (let n = 0; n < count; n++) {
        const b = selected[n]!;
        const start = b * ncwb + d.labelOffset;
        for (let c = 0; c < k; c++) {
          const slot = o.maxClassesPerDetection * n + c;
          outBoxes.set(decoded.subarray(4 * b, 4 * b + 4), 4 * slot);
          const cl = classIdx[b * k + c]!;
          outClasses[slot] = cl;
          outScores[slot] = scores[start + cl]!;
        }
      }
      outCount[0] = count;
      return;
    }

    // Regular NMS: per class, then merge the class's selections (best first) into the running
    // list of the best max_detections so far. TFLite merges with std::inplace_merge and the
    // comparison `a.score >= b.score`, so on equal scores the later class comes first.
    const listLen = o.maxDetections + Math.min(o.detectionsPerClass, nb);
    const listIdx = new Int32Array(buf.buffer, at('listIdx'), listLen);
    const listScore = new Float32Array(buf.buffer, at('listScore'), listLen);
    const mergeIdx = new Int32Array(buf.buffer, at('mergeIdx'), listLen);
    const mergeScore = new Float32Array(buf.buffer, at('mergeScore'), listLen);
    let size = 0;
    for (let c = 0; c < o.numClasses; c++) {
      for (let b = 0; b < nb; b++) perBox[b] = scores[b * ncwb + c + d.labelOffset]!;
      const count = nonMaxSuppressionSingleClass(
        decoded,
        perBox,
        nb,
        o.nmsScoreThreshold,
        o.nmsIouThreshold,
        o.detectionsPerClass,
        nms,
        selected,
      );
      let i = 0;
      let j = 0;
      let n = 0;
      while (i < size || j < count) {
        const takeNew = j < count && (i >= size || perBox[selected[j]!]! >= listScore[i]!);
        if (takeNew) {
          const b = selected[j++]!;
          mergeIdx[n] = b * ncwb + c + d.labelOffset;
          mergeScore[n++] = perBox[b]!;
        } else {
          mergeIdx[n] = listIdx[i]!;
          mergeScore[n++] = listScore[i++]!;
        }
      }
      size = Math.min(n, o.maxDetections);
      listIdx.set(mergeIdx.subarray(0, size));
      listScore.set(mergeScore.subarray(0, size));
    }
    for (let n = 0; n < size; n++) {
      const anchor = Math.floor(listIdx[n]! / ncwb);
      outBoxes.set(decoded.subarray(4 * anchor, 4 * anchor + 4), 4 * n);
      outClasses[n] = listIdx[n]! - anchor * ncwb - d.labelOffset;
      outScores[n] = listScore[n]!;
    }
    outCount[0] = size;
  },
};
