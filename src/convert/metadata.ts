/**
 * The TFLite Metadata a converted model carries, so that classifiers and the app need nothing
 * else: the model's name and how it was made, the input's normalization ((x - mean) / std per
 * channel) and content (an RGB or grayscale image when it looks like one), and the output's
 * labels as an attached TENSOR_AXIS_LABELS file.
 */
import type { AssociatedFileData } from '../ir/model.js';
import type { ModelMetadata, TensorMetadata } from '../format/metadata.js';
import { ConversionError } from '../errors.js';

/** What to put into the metadata. */
export interface MetadataSpec {
  name: string;
  description: string;
  version?: string;
  author?: string;
  license?: string;
  inputShape: readonly number[];
  outputShape: readonly number[];
  normalization?: { mean: number[]; std: number[] };
  labels?: string[];
  /** File name of the attached labels (default labels.txt). */
  labelsFile?: string;
}

/** Returns the metadata and its associated files. Throws ConversionError when the labels do not fit the output. */
export function buildMetadata(spec: MetadataSpec): { metadata: ModelMetadata; files: AssociatedFileData[] } {
  const files: AssociatedFileData[] = [];
  const input: TensorMetadata = { name: 'input' };
  const rank = spec.inputShape.length;
  const channels = spec.inputShape[rank - 1];
  if (rank === 4 && (channels === 1 || channels === 3)) {
    input.name = 'image';
    input.description = `Input image, ${spec.inputShape[2]}x${spec.inputShape[1]} ${channels === 3 ? 'RGB' : 'grayscale'}`;
    input.content = {
      contentProperties: { type: 'ImageProperties', colorSpace: channels === 3 ? 'RGB' : 'GRAYSCALE' },
    };
  }
  if (spec.normalization) {
    const { mean, std } = spec.normalization;
    input.processUnits = [{ options: { type: 'NormalizationOptions', mean, std } }];
    if (input.content) {
      // the range of normalized 8-bit pixel values
      const lo = mean.map((m, i) => (0 - m) / (std[i] ?? std[0]!));
      const hi = mean.map((m, i) => (255 - m) / (std[i] ?? std[0]!));
      input.stats = { min: lo, max: hi };
    }
  }
  const output: TensorMetadata = { name: 'probability' };
  if (spec.labels) {
    const classes = spec.outputShape[spec.outputShape.length - 1];
    if (classes !== spec.labels.length) {
      throw new ConversionError(
        `the labels file has ${spec.labels.length} labels but the model's output has ${classes} classes (shape [${spec.outputShape}]); give one label per line`,
      );
    }
    const name = spec.labelsFile ?? 'labels.txt';
    output.description = 'Probabilities of the labels respectively.';
    output.associatedFiles = [
      { name, description: 'Labels for objects that the model can recognize.', type: 'TENSOR_AXIS_LABELS' },
    ];
    files.push({ name, data: new TextEncoder().encode(spec.labels.join('\n') + '\n') });
  }
  const metadata: ModelMetadata = {
    name: spec.name,
    description: spec.description,
    subgraphMetadata: [{ inputTensorMetadata: [input], outputTensorMetadata: [output] }],
  };
  if (spec.version) metadata.version = spec.version;
  if (spec.author) metadata.author = spec.author;
  if (spec.license) metadata.license = spec.license;
  return { metadata, files };
}
