/**
 * The catalog of well-known public classifiers the app downloads on demand. Data only: each
 * entry says where the file is, its checksum when one is published, its size, input and
 * precision, and where to get labels when the file has none in its metadata.
 *
 * Checksums: for files the project's fixtures hold, the sha256 is the one in the fixtures'
 * MANIFEST.md (the same files at the same upstream commits); mobilenet_v2_1.0_224.tflite's is the
 * one MediaPipe pins for it (third_party/external_files.bzl); EfficientNet-Lite0's was recorded by
 * another project that ships the same file. Where no checksum is published (`sha256` undefined)
 * the app records the hash of the first download and insists on it afterwards (trust on first
 * use) and says so on screen.
 */

/** Labels fetched next to a model whose metadata has none. */
export interface CatalogLabels {
  url: string;
  /** File name for mirrors (see mirrorUrl). */
  file: string;
  sha256: string;
}

/** One downloadable model. */
export interface CatalogModel {
  id: string;
  name: string;
  /** The file's name: a mirror serves the file under this name. */
  file: string;
  url: string;
  /** Published sha256 of the downloaded bytes (the archive when `archive` is set). */
  sha256: string | undefined;
  /** Size of the download in bytes. */
  bytes: number;
  /** True when `bytes` is a rounded published figure rather than the exact size. */
  bytesApprox?: boolean;
  /** Square input side in pixels. */
  input: number;
  /** How it computes: 'uint8' / 'int8' quantized, or 'float32'. */
  precision: 'uint8' | 'int8' | 'float32';
  /** Labels to apply when the model's metadata has none. */
  labels?: CatalogLabels;
  /** The model is a member of a .tar.gz archive. */
  archive?: { member: string };
  /** Who publishes it, and its license. */
  source: string;
}

const TFLITE_SUPPORT =
  'https://raw.githubusercontent.com/tensorflow/tflite-support/dd3362ea685bb7ab1f7268c81ec567d3b720ae57/tensorflow_lite_support';
const CORAL = 'https://raw.githubusercontent.com/google-coral/test_data';

/** ImageNet labels, 1001 lines with 'background' first (tflite-support's test data). */
const IMAGENET_LABELS: CatalogLabels = {
  url: `${TFLITE_SUPPORT}/metadata/python/tests/testdata/image_classifier/labels.txt`,
  file: 'imagenet_labels_1001.txt',
  sha256: '536feacc519de3d418de26b2effb4d75694a8c4c0063e36499a46fa8061e2da9',
};

/** Every catalog model, smallest first. */
export const CATALOG: readonly CatalogModel[] = [
  {
    id: 'mobilenet_v1_0.25_224_quant',
    name: 'MobileNet v1 0.25',
    file: 'mobilenet_v1_0.25_224_quant.tflite',
    url: `${TFLITE_SUPPORT}/cc/test/testdata/task/vision/mobilenet_v1_0.25_224_quant.tflite`,
    sha256: 'e480eb15572f86d3d5f1be6e83e35b3c7d509ab2bcec353707d1f614e14edca2',
    bytes: 508786,
    input: 224,
    precision: 'uint8',
    source: 'TensorFlow (tflite-support test data), Apache-2.0',
  },
  {
    id: 'mobilenet_v1_0.25_224_float',
    name: 'MobileNet v1 0.25',
    file: 'mobilenet_v1_0.25_224_1_metadata_1.tflite',
    url: `${TFLITE_SUPPORT}/cc/test/testdata/task/vision/mobilenet_v1_0.25_224_1_metadata_1.tflite`,
    sha256: '348cc1221740b9fe1f609c964eff5bf09650bda76341c30aa27800b3da6171f4',
    bytes: 1894378,
    input: 224,
    precision: 'float32',
    source: 'TensorFlow (tflite-support test data), Apache-2.0',
  },
  {
    id: 'mobilenet_v2_1.0_224_quant',
    name: 'MobileNet v2 1.0',
    file: 'tf2_mobilenet_v2_1.0_224_ptq.tflite',
    url: `${CORAL}/104342d2d3480b3e66203073dac24f4e2dbb4c41/tf2_mobilenet_v2_1.0_224_ptq.tflite`,
    sha256: '5d3137241276e79c86d14a74fe43581398ae0e815191d3dba45495b810840e8c',
    bytes: 4070174,
    input: 224,
    precision: 'int8',
    source: 'Google Coral test data, Apache-2.0',
  },
  {
    id: 'efficientnet_lite0_int8',
    name: 'EfficientNet-Lite0',
    file: 'efficientnet_lite0_int8_2.tflite',
    url: 'https://storage.googleapis.com/download.tensorflow.org/models/tflite/task_library/image_classification/android/efficientnet_lite0_int8_2.tflite',
    sha256: 'aa03e4017f54fd5c743bd397b0a3e136fab0942f9c7cd715064a31ca3e4fc996',
    bytes: 5_400_000,
    bytesApprox: true,
    input: 224,
    precision: 'uint8',
    source: 'TensorFlow (Task Library example models), Apache-2.0',
  },
  {
    id: 'mobilenet_v2_1.0_224_float',
    name: 'MobileNet v2 1.0',
    file: 'mobilenet_v2_1.0_224.tflite',
    url: 'https://storage.googleapis.com/mediapipe-assets/mobilenet_v2_1.0_224.tflite',
    sha256: 'ff5cb7f9e62c92ebdad971f8a98aa6b3106d82a64587a7787c6a385c9e791339',
    bytes: 14_000_000,
    bytesApprox: true,
    input: 224,
    precision: 'float32',
    source: 'MediaPipe test assets, Apache-2.0',
  },
  {
    id: 'inception_v3_quant',
    name: 'Inception v3',
    file: 'inception_v3_299_quant.tflite',
    url: `${CORAL}/master/inception_v3_299_quant.tflite`,
    sha256: undefined,
    bytes: 23_600_000,
    bytesApprox: true,
    input: 299,
    precision: 'uint8',
    labels: IMAGENET_LABELS,
    source: 'Google Coral test data, Apache-2.0',
  },
  {
    id: 'inception_v3_float',
    name: 'Inception v3',
    file: 'inception_v3_2018_04_27.tgz',
    url: 'https://storage.googleapis.com/download.tensorflow.org/models/tflite/model_zoo/upload_20180427/inception_v3_2018_04_27.tgz',
    sha256: undefined,
    bytes: 95_300_000,
    bytesApprox: true,
    input: 299,
    precision: 'float32',
    labels: IMAGENET_LABELS,
    archive: { member: 'inception_v3.tflite' },
    source: 'TensorFlow hosted models, Apache-2.0',
  },
];

/** Returns the catalog entry with `id`, or undefined. */
export function catalogModel(id: string): CatalogModel | undefined {
  return CATALOG.find((m) => m.id === id);
}

/**
 * Returns where to download `file` of an entry: `mirror` + the file name when a mirror is set
 * (e.g. `?mirror=http://192.168.1.10:8000/` for a LAN copy of the files), else `url`. A mirror is
 * only used for files with a published checksum, so it cannot substitute other bytes.
 */
export function downloadUrl(
  entry: { url: string; file: string; sha256: string | undefined },
  mirror: string | undefined,
): string {
  if (!mirror || !entry.sha256) return entry.url;
  return new URL(encodeURIComponent(entry.file), mirror.endsWith('/') ? mirror : `${mirror}/`).href;
}
