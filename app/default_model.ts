/**
 * The app's built-in model: the project's own Fashion-MNIST CNN (int8), trained and converted by
 * examples/train-fashion-mnist (see models/MODEL_CARD.md). One constant, read by the build
 * (app/vite.config.ts), which copies the file into the app and its service worker's precache.
 * The environment variable TFLITE_TS_APP_DEFAULT_MODEL overrides it (a path to a .tflite).
 */
export const DEFAULT_MODEL_PATH = 'models/fashion_mnist_cnn_int8.tflite';
