import { describe, expect, it } from 'vitest';
import {
  ConversionError,
  ImageDecodeError,
  InputError,
  LimitError,
  ModelFormatError,
  QuantizationError,
  ShapeError,
  TfliteError,
  UnsupportedOpError,
} from '../src/errors.js';

describe('error hierarchy', () => {
  it('every error has a stable name and code (not taken from the class, which minifiers rename)', () => {
    const cases: [TfliteError, string, string][] = [
      [
        new ModelFormatError('subgraphs[0].tensors[3].buffer', '9 is out of range (3 buffers)'),
        'ModelFormatError',
        'MODEL_FORMAT',
      ],
      [new UnsupportedOpError('FOO', 2, 7), 'UnsupportedOpError', 'UNSUPPORTED_OP'],
      [new ShapeError('x'), 'ShapeError', 'SHAPE'],
      [new InputError('x'), 'InputError', 'INPUT'],
      [new ImageDecodeError('a.jpg', 'truncated'), 'ImageDecodeError', 'IMAGE_DECODE'],
      [new QuantizationError('x'), 'QuantizationError', 'QUANTIZATION'],
      [new ConversionError('x'), 'ConversionError', 'CONVERSION'],
      [new LimitError('x'), 'LimitError', 'LIMIT'],
    ];
    for (const [e, name, code] of cases) {
      expect(e).toBeInstanceOf(TfliteError);
      expect(e.name).toBe(name);
      expect(e.code).toBe(code);
    }
  });
  it('messages say what, where and what to do', () => {
    const e = new ModelFormatError('subgraphs[0].tensors[17].buffer', '412 is out of range (211 buffers)');
    expect(e.message).toMatch(
      /^subgraphs\[0\]\.tensors\[17\]\.buffer: 412 is out of range \(211 buffers\)\. .*re-export/,
    );
    const u = new UnsupportedOpError('SIGN', 1, 12, 'no kernel is registered for it');
    expect(u.message).toMatch(
      /node 12: op SIGN \(version 1\) is not supported: no kernel is registered for it\. Register/,
    );
  });
});
