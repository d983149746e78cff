import { describe, expect, it } from 'vitest';
import type { CborValue } from '../../../../../src/codec/cbor/cbor.ts';
import {
  describeCbor,
  fsCommands,
  imgCommands,
  MAX_FIELD_PROBLEMS,
  osCommands,
  shellCommands,
  statCommands,
} from '../../../../../src/codec/smp/index.ts';

const slot = (over: Record<string, CborValue> = {}): Record<string, CborValue> => ({ slot: 0, version: '1.0.0', hash: new Uint8Array(32), ...over });

describe('describeCbor', () => {
  it.each<[unknown, string]>([
    [undefined, 'missing'], [null, 'null'], [true, 'bool true'], [5, 'uint 5'], [-2, 'nint -2'], [1.5, 'float 1.5'],
    ['abc', 'tstr "abc"'], [new Uint8Array(3), 'bstr of 3 bytes'], [[1], 'array of 1'], [{ a: 1 }, 'map of 1'], [10n, 'uint 10'],
  ])('%o → %s', (v, s) => expect(describeCbor(v)).toBe(s));
});

describe('response field checks', () => {
  it('reports a wrong nested type with its path', () => {
    const r = imgCommands.state.decodeResponse({ images: [slot(), slot({ hash: 'abc' })] });
    expect(r.ok ? [] : r.error).toEqual([{ field: 'images[1].hash', expected: 'bstr of 32 bytes', actual: 'tstr "abc"' }]);
  });

  it('reports missing required fields and wrong hash sizes', () => {
    const r = imgCommands.state.decodeResponse({ images: [{ slot: 0, hash: new Uint8Array(31) }] });
    expect(r.ok ? [] : r.error.map((p) => `${p.field}: ${p.actual}`)).toEqual(['images[0].version: missing', 'images[0].hash: bstr of 31 bytes']);
  });

  it('lists unknown fields at every level and still succeeds', () => {
    const r = imgCommands.state.decodeResponse({ images: [slot({ extra: 1 })], splitStatus: 0, hook: 'x' });
    expect(r.ok && r.value.unknownFields).toEqual(['images[0].extra', 'hook']);
  });

  it('returns byte strings as Uint8Array and accepts small bigints for uint', () => {
    const r = fsCommands.download.decodeResponse({ off: 0n as unknown as CborValue, data: Buffer.from([1, 2]), len: 2 });
    expect(r.ok && r.value.value.off).toBe(0);
    expect(r.ok && r.value.value.data.constructor).toBe(Uint8Array);
  });

  it('applies cross-field rules: fs download at off 0 needs len; shell needs ret (or legacy rc)', () => {
    expect(fsCommands.download.decodeResponse({ off: 0, data: new Uint8Array(0) }).ok).toBe(false);
    expect(fsCommands.download.decodeResponse({ off: 5, data: new Uint8Array(0) }).ok).toBe(true);
    expect(shellCommands.exec.decodeResponse({ o: '' }).ok).toBe(false);
    expect(shellCommands.exec.decodeResponse({ o: '', rc: 0 }).ok).toBe(true);
  });

  it('accepts either uint or bstr for a hash output, nothing else', () => {
    expect(fsCommands.hash.decodeResponse({ type: 'crc32', len: 1, output: 7 }).ok).toBe(true);
    expect(fsCommands.hash.decodeResponse({ type: 'sha256', len: 1, output: new Uint8Array(32) }).ok).toBe(true);
    const r = fsCommands.hash.decodeResponse({ type: 'crc32', len: 1, output: 'x' });
    expect(r.ok ? '' : r.error[0]?.expected).toBe('uint or bstr');
  });

  it('bounds the number of problems', () => {
    const fields: Record<string, CborValue> = {};
    for (let i = 0; i < 500; i++) fields[`c${i}`] = 'not a number';
    const r = statCommands.show.decodeResponse({ name: 'x', fields });
    expect(r.ok ? 0 : r.error.length).toBe(MAX_FIELD_PROBLEMS);
  });

  it('a "__proto__" name in a dict does not change the result object prototype', () => {
    const tasks = JSON.parse('{"__proto__": {"prio": 1, "tid": 0, "state": 0}}') as Record<string, CborValue>;
    const r = osCommands.taskstat.decodeResponse({ tasks });
    expect(r.ok && Object.getPrototypeOf(r.value.value.tasks)).toBe(Object.prototype);
    expect(r.ok && Object.keys(r.value.value.tasks)).toEqual(['__proto__']);
  });

  it('reports a non-map body at the top level', () => {
    const r = osCommands.echo.decodeResponse([] as unknown as Record<string, CborValue>);
    expect(r.ok ? [] : r.error).toEqual([{ field: '(body)', expected: 'map', actual: 'array of 0' }]);
  });

  it('encodeBody omits undefined fields and keeps spec order', () => {
    const body = imgCommands.upload.encodeBody({ data: new Uint8Array(1), off: 0, len: 10, sha: undefined, image: 0 });
    expect(Object.keys(body)).toEqual(['image', 'len', 'off', 'data']);
  });
});
