import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatInt } from '../../src/cli/format.js';
import { captureIO } from '../../src/cli/io.js';
import { toJsonText } from '../../src/cli/json.js';
import { createProgress } from '../../src/cli/progress.js';
import { formatTable, truncate, wrap } from '../../src/cli/table.js';

describe('table printer', () => {
  it('aligns columns, right-aligns numbers', () => {
    const text = formatTable(
      [{ header: 'name' }, { header: 'count', align: 'right' }],
      [
        ['CONV_2D', '15'],
        ['SOFTMAX', '1'],
      ],
    );
    expect(text).toBe('  name     count\n  CONV_2D     15\n  SOFTMAX      1\n');
  });

  it('shrinks marked columns to fit the width, cutting with an ellipsis', () => {
    const long = 'MobilenetV1/MobilenetV1/Conv2d_13_pointwise/Relu6/with/a/very/long/suffix/that/goes/on';
    const text = formatTable(
      [{ header: 'tensor', shrink: 'start' }, { header: 'shape' }, { header: 'note', shrink: 'end' }],
      [[long, '[1,7,7,1024]', 'x'.repeat(80)]],
      { width: 60 },
    );
    for (const line of text.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    expect(text).toContain('…');
    expect(text).toContain('[1,7,7,1024]');
    expect(text).toMatch(/…[a-z/]*goes\/on/);
  });

  it('truncates and wraps', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4, 'start')).toBe('…def');
    expect(truncate('abc', 4)).toBe('abc');
    expect(wrap('one two three four', 9, '  ')).toBe('  one two\n  three\n  four');
  });
});

describe('number formats', () => {
  it('formats counts and bytes', () => {
    expect(formatInt(508786)).toBe('508,786');
    expect(formatCount(41030528)).toBe('41.0M');
    expect(formatCount(568741376)).toBe('568.7M');
    expect(formatCount(5400)).toBe('5.4K');
    expect(formatCount(12)).toBe('12');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(508786)).toBe('496.9 KiB');
  });
});

describe('JSON writer', () => {
  it('writes bigints, byte arrays and non-finite numbers in a stable form', () => {
    expect(JSON.parse(toJsonText({ a: 5n, b: 2n ** 70n, c: new Uint8Array(3), d: NaN, e: [1] }))).toEqual({
      a: 5,
      b: '1180591620717411303424',
      c: { bytes: 3 },
      d: null,
      e: [1],
    });
  });
});

describe('progress bar', () => {
  it('draws on a terminal and clears the line when finished', () => {
    const io = captureIO({ stderrIsTTY: true, columns: 80 });
    const p = createProgress(io, 10, 'eval');
    p.update(10, 'image_0010.jpg');
    expect(io.stderr).toContain('eval [########################] 100% 10/10 image_0010.jpg');
    p.finish();
    expect(io.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(io.stdout).toBe('');
  });

  it('stays silent when stderr is not a terminal', () => {
    const io = captureIO({ stderrIsTTY: false });
    const p = createProgress(io, 10, 'eval');
    p.update(5);
    p.finish();
    expect(io.stderr).toBe('');
  });
});
