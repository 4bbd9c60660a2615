/**
 * The classes of a classifier's output as evaluation needs them before any interpreter exists:
 * how many (the last dimension of output 0) and their labels (the caller's labels file, else the
 * metadata's, aligned for the 1000/1001 offset as classify does).
 */
import { InputError } from '../errors.js';
import type { Model } from '../ir/model.js';
import { labelMapFor } from '../vision/label_map.js';
import type { ClassNames } from './label_table.js';

/**
 * Returns the class count and labels of output 0 of `model`. Throws InputError when the model has
 * no output or labels that do not fit its classes.
 */
export function modelClassNames(model: Model, labels?: readonly string[]): ClassNames {
  const sg = model.subgraphs[0];
  const out = sg?.outputs[0] === undefined ? undefined : sg.tensors[sg.outputs[0]];
  if (!out) throw new InputError('the model has no output to read classes from');
  const classes = out.shape.length === 0 ? 1 : out.shape[out.shape.length - 1]!;
  const map = labelMapFor(model, classes, labels ? { labels } : {});
  return { classes, label: (i) => map.label(i), displayName: (i) => map.displayName(i) };
}
