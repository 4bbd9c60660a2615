/**
 * tflite-ts/vision: image -> input tensor -> labelled top-k, platform neutral. Decoding files is
 * in tflite-ts/node (sharp) and tflite-ts/browser (createImageBitmap); both give RgbaImage.
 */
export * from './rgba_image.js';
export * from './region_of_interest.js';
export * from './resize.js';
export { resizeLibyuv } from './resize_libyuv.js';
export { resizeOpenCv } from './resize_opencv.js';
export { resizeTflite } from './resize_tflite.js';
export { resizeBilinear } from './resize_bilinear.js';
export { resizeArea } from './resize_area.js';
export * from './image_tensor_specs.js';
export * from './image_to_tensor.js';
export * from './label_map.js';
export * from './classification_scores.js';
export * from './image_classifier.js';
export * from './bmp_decoder.js';
