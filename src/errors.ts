/**
 * The error hierarchy of tflite-ts. Every error says what is wrong, where, and what the user can
 * do next; the CLI prints `message` alone (the stack only with --debug) and exits non-zero.
 */

/** Base class of every error tflite-ts throws on purpose. */
export class TfliteError extends Error {
  // Each class sets `name` explicitly: bundlers minify class names, and messages must not.
  /** Stable machine-readable code, e.g. `MODEL_FORMAT`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'TfliteError';
  }
}

/**
 * A `.tflite` file (or its metadata) is malformed. `path` names the field, e.g.
 * `subgraphs[0].tensors[17].buffer`.
 */
export class ModelFormatError extends TfliteError {
  readonly path: string;
  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super(
      'MODEL_FORMAT',
      `${path ? `${path}: ` : ''}${problem}. The model file is malformed or truncated; re-export or re-download it.`,
      options,
    );
    this.name = 'ModelFormatError';
    this.path = path;
  }
}

/** The model uses an op (or an op version / dtype combination) that no registered kernel implements. */
export class UnsupportedOpError extends TfliteError {
  readonly op: string;
  readonly version: number;
  readonly nodeIndex: number;
  constructor(op: string, version: number, nodeIndex: number, detail?: string) {
    super(
      'UNSUPPORTED_OP',
      `node ${nodeIndex}: op ${op} (version ${version}) is not supported${detail ? `: ${detail}` : ''}. ` +
        'Register a kernel for it, or convert the model without this op.',
    );
    this.name = 'UnsupportedOpError';
    this.op = op;
    this.version = version;
    this.nodeIndex = nodeIndex;
  }
}

/** Shapes do not fit together (cannot broadcast, wrong rank, bad resize). */
export class ShapeError extends TfliteError {
  constructor(message: string) {
    super('SHAPE', message);
    this.name = 'ShapeError';
  }
}

/** Caller-supplied input is wrong: size, dtype, unknown name, call order. */
export class InputError extends TfliteError {
  constructor(message: string) {
    super('INPUT', message);
    this.name = 'InputError';
  }
}

/** An image could not be decoded. */
export class ImageDecodeError extends TfliteError {
  readonly file: string;
  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super('IMAGE_DECODE', `${file}: cannot decode image: ${reason}`, options);
    this.name = 'ImageDecodeError';
    this.file = file;
  }
}

/** Post-training quantization cannot proceed (already quantized, no calibration data, ...). */
export class QuantizationError extends TfliteError {
  constructor(message: string) {
    super('QUANTIZATION', message);
    this.name = 'QuantizationError';
  }
}

/** A TF.js model cannot be converted (unsupported layers or ops, missing weights). */
export class ConversionError extends TfliteError {
  constructor(message: string) {
    super('CONVERSION', message);
    this.name = 'ConversionError';
  }
}

/** A limit was exceeded (e.g. a tensor larger than the configured maximum). */
export class LimitError extends TfliteError {
  constructor(message: string) {
    super('LIMIT', message);
    this.name = 'LimitError';
  }
}
