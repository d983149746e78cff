import { describe, expect, it } from 'vitest';
import { comparePaths, formatPath, isValidPath, parsePath, parseSegments, pathLevel, pathStartsWith } from '../../../../src/codec/lwm2m/index.ts';

describe('LwM2M paths', () => {
  it.each([
    ['/', []],
    ['/3', [3]],
    ['/3/0', [3, 0]],
    ['/3/0/7', [3, 0, 7]],
    ['/3/0/7/1', [3, 0, 7, 1]],
    ['/3/0/', [3, 0]],
    ['/65534/65534/65534/65534', [65534, 65534, 65534, 65534]],
  ])('parses %s', (text, path) => {
    expect(parsePath(text)).toEqual({ ok: true, value: path });
  });

  it.each([
    ['3/0', 'not-absolute'],
    ['/3/0/7/1/2', 'too-many-segments'],
    ['/3//7', 'empty-segment'],
    ['/3/abc', 'not-numeric'],
    ['/3/-1', 'not-numeric'],
    ['/3/0x1', 'not-numeric'],
    ['/65535', 'out-of-range'],
    ['/3/99999999999', 'out-of-range'],
  ])('refuses %s as %s', (text, kind) => {
    const result = parsePath(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.kind).toBe(kind);
  });

  it('names the failing segment', () => {
    expect(parseSegments(['3', '0', 'x'])).toMatchObject({ ok: false, error: { kind: 'not-numeric', segment: 2, text: 'x' } });
    expect(parseSegments(['3', '65535'])).toMatchObject({ ok: false, error: { kind: 'out-of-range', segment: 1, value: 65535 } });
  });

  it('formats, levels, prefixes and order', () => {
    expect(formatPath([])).toBe('/');
    expect(formatPath([3303, 0, 5700])).toBe('/3303/0/5700');
    expect(pathLevel([])).toBe('root');
    expect(pathLevel([3, 0, 11, 0])).toBe('resource-instance');
    expect(pathStartsWith([3, 0, 7], [3, 0])).toBe(true);
    expect(pathStartsWith([3, 1, 7], [3, 0])).toBe(false);
    expect(isValidPath([3, 65535])).toBe(false);
    expect(isValidPath([1, 2, 3, 4, 5])).toBe(false);
    expect([[3, 0, 7], [1], [3, 0], [3, 0, 6, 1]].sort(comparePaths)).toEqual([[1], [3, 0], [3, 0, 6, 1], [3, 0, 7]]);
  });
});
