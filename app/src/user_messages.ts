/**
 * Turns errors into the sentences the alert shows: what went wrong, with which file, and what to
 * do next. tflite-ts errors already say what and where; this adds the app's context.
 */

/** What the user was doing when the error happened. */
export type Action = 'open-model' | 'labels' | 'download' | 'photo' | 'camera' | 'classify';

/** Returns the message for `err` raised while doing `action` with `file` (a file or model name). */
export function userMessage(action: Action, err: unknown, file?: string): string {
  const name = err instanceof Error ? err.name : '';
  const detail = err instanceof Error ? err.message : String(err);
  const quoted = file ? `“${file}”` : 'the file';
  switch (name) {
    case 'ModelFormatError':
      return `${quoted} is not a valid TensorFlow Lite model: ${detail}`;
    case 'UnsupportedOpError': {
      const op = (err as { op?: string }).op ?? '(unknown)';
      return `${quoted} uses the operation ${op}, which tflite-ts cannot run yet. Choose another model.`;
    }
    case 'LimitError':
      return `${quoted} is too large to run here: ${detail}`;
    case 'ImageDecodeError': {
      // tflite-ts says "<file>: cannot decode image: <reason>"; keep the reason when it is specific.
      const reason = detail.replace(/^.*?cannot decode image: /, '');
      return /^corrupt, truncated or unsupported/.test(reason) || reason === detail
        ? `Cannot read the photo ${quoted}: it is corrupt, truncated or in a format this browser cannot decode. Choose another photo.`
        : `Cannot read the photo ${quoted}: ${reason}. Choose another photo.`;
    }
    case 'InputError':
      if (action === 'open-model' || action === 'download' || action === 'labels')
        return `${quoted} cannot be used as an image classifier: ${detail}`;
      return detail.charAt(0).toUpperCase() + detail.slice(1);
    case 'ChecksumError':
    case 'DownloadError':
      return detail;
    case 'NotFoundError':
    case 'OverconstrainedError':
      if (action === 'camera') return 'No camera was found on this device. Use “Choose photo” instead.';
      break;
    case 'NotAllowedError':
    case 'SecurityError':
      if (action === 'camera')
        return 'The camera is blocked: allow camera access for this site in the browser settings, or use “Choose photo”.';
      break;
    case 'NotReadableError':
      if (action === 'camera')
        return 'The camera is busy (another app may be using it). Close it and try again.';
      break;
  }
  const what: Record<Action, string> = {
    'open-model': `Cannot open the model ${quoted}`,
    labels: `Cannot read the labels file ${quoted}`,
    download: `Cannot download ${quoted}`,
    photo: `Cannot use the photo ${quoted}`,
    camera: 'Cannot start the camera',
    classify: 'Classification failed',
  };
  return `${what[action]}: ${detail}`;
}
