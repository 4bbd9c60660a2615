/**
 * tflite-ts evaluation, platform neutral: accuracy metrics of a classifier on labelled images
 * (ImageEvaluator over decoded images, label tables, shards and their merge), comparisons of
 * models (the compare report and its self-contained HTML with SVG charts), and the per-tensor
 * error of a quantized model against its float model (ModelDiff). The Node parts (image folders,
 * the worker pool) are in tflite-ts/node.
 */
export * from './eval_report.js';
export * from './metrics.js';
export * from './label_table.js';
export * from './shard.js';
export * from './merge.js';
export * from './class_alignment.js';
export * from './model_classes.js';
export * from './image_evaluator.js';
export * from './tensor_match.js';
export * from './tensor_diff.js';
export * from './compare_report.js';
export * from './op_profile.js';
export * from './svg_chart.js';
export * from './html_report.js';
