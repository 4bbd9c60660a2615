/**
 * Ground truth for eval: CSV parsing, which column a model of 1000 or 1001 classes reads (and
 * the +-1 shift between the two conventions), label names, and the errors.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  type ClassNames,
  classesNamedBy,
  labelTableFromCsv,
  labelTableFromFolders,
  labelsForModel,
  normalizeLabel,
  parseCsv,
} from '../../src/eval/label_table.js';

/** Class names: 1001 with background at 0 ("background", "c 0".."c 999"), or 1000 ("c 0".."c 999"). */
function imagenetLike(classes: 1000 | 1001): ClassNames {
  const off = classes - 1000;
  return {
    classes,
    label: (i) => (off && i === 0 ? 'background' : `c ${i - off}`),
    displayName: () => undefined,
  };
}

const CSV =
  'file,wnid,imagenet_index_0_999,tflite_index_1001,label_tflite_1001\n' +
  'a.jpg,n1,0,1,c 0\n' +
  'b.jpg,n2,3,4,c 3\n' +
  '"c, d.jpg",n3,999,1000,"c 999"\n';

describe('label tables', () => {
  it('parses CSV with quotes, commas in fields, CRLF and blank lines', () => {
    expect(parseCsv('a,"b,c","d ""e"""\r\n\r\nx,y,z')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['x', 'y', 'z'],
    ]);
    const t = labelTableFromCsv(CSV);
    expect(t.columns).toEqual(['wnid', 'imagenet_index_0_999', 'tflite_index_1001', 'label_tflite_1001']);
    expect(t.rows.map((r) => r.file)).toEqual(['a.jpg', 'b.jpg', 'c, d.jpg']);
  });

  it('reads the class count a header names', () => {
    expect(classesNamedBy('imagenet_index_0_999')).toBe(1000);
    expect(classesNamedBy('tflite_index_1001')).toBe(1001);
    expect(classesNamedBy('class')).toBeUndefined();
  });

  it('picks the column matching the model output size', () => {
    const t = labelTableFromCsv(CSV);
    expect(labelsForModel(t, imagenetLike(1001))).toEqual({
      labels: [1, 4, 1000],
      column: 'tflite_index_1001',
      shift: 0,
      kind: 'index',
    });
    expect(labelsForModel(t, imagenetLike(1000))).toMatchObject({
      labels: [0, 3, 999],
      column: 'imagenet_index_0_999',
      shift: 0,
    });
  });

  it('shifts a 1000-class column for a 1001-class model when it is the only one', () => {
    const t = labelTableFromCsv('file,imagenet_index_0_999\na.jpg,0\nb.jpg,999\n');
    expect(labelsForModel(t, imagenetLike(1001))).toMatchObject({ labels: [1, 1000], shift: 1 });
    const t2 = labelTableFromCsv('file,tflite_index_1001\na.jpg,1\nb.jpg,1000\n');
    expect(labelsForModel(t2, imagenetLike(1000))).toMatchObject({ labels: [0, 999], shift: -1 });
  });

  it('matches label names (case and punctuation ignored) and takes a named column', () => {
    const t = labelTableFromCsv('file,name\na.jpg,C_3\nb.jpg,c-999\n');
    expect(labelsForModel(t, imagenetLike(1001))).toMatchObject({ labels: [4, 1000], kind: 'name' });
    const t2 = labelTableFromCsv(CSV);
    expect(labelsForModel(t2, imagenetLike(1001), 'label_tflite_1001').labels).toEqual([1, 4, 1000]);
    expect(normalizeLabel('  Tiger_Shark ')).toBe('tiger shark');
    expect(normalizeLabel('T-shirt/top')).toBe(normalizeLabel('t-shirt-top'));
  });

  it('reads folder names as labels or class indices', () => {
    const t = labelTableFromFolders([
      { file: 'c_7/x.png', folder: 'c_7' },
      { file: '12/y.png', folder: '12' },
    ]);
    expect(labelsForModel(t, imagenetLike(1000))).toMatchObject({ labels: [7, 12], kind: 'name' });
  });

  it('says what is wrong', () => {
    const t = labelTableFromCsv('file,name\na.jpg,c 3\nb.jpg,zebra\n');
    expect(() => labelsForModel(t, imagenetLike(1000))).toThrow(/1 class name\(s\) in "name".*"zebra"/);
    const t2 = labelTableFromCsv('file,idx\na.jpg,5\nb.jpg,12\n');
    expect(() =>
      labelsForModel(t2, { classes: 10, label: () => undefined, displayName: () => undefined }),
    ).toThrow(InputError);
    expect(() => labelsForModel(t2, imagenetLike(1000), 'nope')).toThrow(
      /no column "nope"; its columns: idx/,
    );
    expect(() => labelTableFromCsv('file,class\n')).toThrow(/header line and one line per image/);
    expect(() => labelTableFromCsv('file,class\na.jpg\n')).toThrow(/line 2 has 1 fields/);
  });
});
