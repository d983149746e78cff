import { describe, expect, it } from 'vitest';
import { decodeCbor, isCborMap } from '../../../../src/codec/cbor/cbor.ts';
import { toHex } from '../../../../src/core/bytes.ts';
import {
  concatenated,
  decodeSmpPacket,
  deepNesting,
  duplicateKey,
  frameBaseFor,
  hugeLengthClaim,
  imgCommands,
  indefiniteBody,
  nonMapBody,
  nonTextKey,
  osCommands,
  rawFrame,
  shortHeader,
  trailingBytes,
  truncatedBody,
  unknownCommand,
  withFlags,
  withLengthDelta,
  withLengthField,
  withOp,
  withReservedBits,
  withVersion,
  withWrongFieldType,
  wrongFieldTypeFrames,
  type NonMapKind,
  type UncheckedFrame,
} from '../../../../src/codec/smp/index.ts';

const base = frameBaseFor(osCommands.echo, 0x42);
const echoBody = { d: 'aa' };
const payloadOf = (f: UncheckedFrame): Uint8Array => f.bytes.subarray(8);

describe('unchecked header builders', () => {
  it('length field = payload + delta; larger → incomplete, smaller → surplus bytes left over', () => {
    const longer = withLengthDelta(base, echoBody, 3);
    expect(longer.header.length).toBe(payloadOf(longer).length + 3);
    expect(decodeSmpPacket(longer.bytes).ok).toBe(false);
    const shorter = withLengthDelta(base, echoBody, -2);
    const p = decodeSmpPacket(shorter.bytes);
    expect(p.ok && p.value.rest.length).toBe(2);
    expect(shorter.label).toContain('- 2');
  });

  it('length field 0 and 0xffff are written as given', () => {
    expect(toHex(withLengthField(base, echoBody, 0).bytes.subarray(2, 4))).toBe('0000');
    expect(withLengthField(base, echoBody, 0xffff).header.length).toBe(0xffff);
  });

  it('writes reserved versions, bad ops, reserved bits and flags into byte 0/1', () => {
    expect(withVersion(base, {}, 2).bytes[0]).toBe(0x12);
    expect(withVersion(base, {}, 3).header.version).toBe(3);
    for (const op of [1, 3, 4, 5, 6, 7]) expect(withOp(base, {}, op).header.op).toBe(op);
    const r = withReservedBits(base, {}, 5);
    expect([r.header.reserved, r.bytes[0]! >> 5]).toEqual([5, 5]);
    expect(withFlags(base, {}, 0x80).bytes[1]).toBe(0x80);
  });

  it('targets an unknown group/command', () => {
    const f = unknownCommand(40, 0, 2, 5);
    expect(toHex(f.bytes)).toBe('0a00000100280500a0');
  });

  it('rawFrame reports the header exactly as written', () => {
    const f = rawFrame({ op: 9, group: 0x1_0001, id: 300, seq: 256, length: 3 }, new Uint8Array(0), 'masked');
    expect(f.header).toMatchObject({ op: 1, group: 1, id: 44, seq: 0, length: 3 });
  });

  it('cuts the header short', () => {
    expect(shortHeader(base, 5).bytes.length).toBe(5);
    expect(decodeSmpPacket(shortHeader(base, 7).bytes).ok).toBe(false);
  });
});

describe('unchecked body builders', () => {
  it('replaces one field with a wrong type', () => {
    const f = withWrongFieldType(imgCommands.upload, { off: 0, data: new Uint8Array(4) }, 'off', 'zero');
    const d = decodeCbor(payloadOf(f));
    expect(d.ok && isCborMap(d.value) && d.value['off']).toBe('zero');
    expect(f.label).toBe('img.upload: "off" as tstr "zero"');
    expect(f.header).toMatchObject({ group: 1, id: 1, op: 2 });
  });

  it('builds a wrong-type frame for every request field of a command', () => {
    const frames = wrongFieldTypeFrames(imgCommands.upload, { off: 0, data: new Uint8Array(2) });
    const fields = new Set(frames.map((f) => /"(\w+)"/.exec(f.label)?.[1]));
    expect([...fields]).toEqual(['image', 'len', 'off', 'sha', 'data', 'upgrade']);
    for (const f of frames) {
      const d = decodeCbor(payloadOf(f));
      if (!d.ok || !isCborMap(d.value)) throw new Error(f.label);
      const field = /"(\w+)"/.exec(f.label)?.[1] ?? '';
      const v = d.value[field];
      const schemaType = imgCommands.upload.requestSchema[field]?.type.t;
      const isRightType =
        (schemaType === 'uint' && typeof v === 'number' && Number.isInteger(v) && v >= 0) ||
        (schemaType === 'bstr' && v instanceof Uint8Array) ||
        (schemaType === 'bool' && typeof v === 'boolean');
      expect(isRightType, f.label).toBe(false);
    }
  });

  it('truncates the CBOR so that it is incomplete', () => {
    const f = truncatedBody(base, echoBody, 4);
    expect(payloadOf(f).length).toBe(4);
    expect(f.header.length).toBe(4);
    const d = decodeCbor(payloadOf(f));
    expect(d.ok).toBe(false);
  });

  it('sends an indefinite-length map', () => {
    const f = indefiniteBody(base, echoBody);
    expect(toHex(payloadOf(f))).toBe('bf6164626161ff');
  });

  it.each<NonMapKind>(['array', 'uint', 'nint', 'tstr', 'bstr', 'bool', 'null', 'float', 'tag'])('non-map body: %s', (kind) => {
    const d = decodeCbor(payloadOf(nonMapBody(base, kind)));
    expect(d.ok).toBe(true);
    expect(d.ok && isCborMap(d.value)).toBe(false);
  });

  it('empty body has no payload', () => {
    const f = nonMapBody(base, 'empty');
    expect([payloadOf(f).length, f.header.length]).toEqual([0, 0]);
  });

  it('repeats a key, counted in the definite map head', () => {
    const f = duplicateKey(base, { d: 'x', e: 1 }, 'off', 0, 1);
    const hex = toHex(payloadOf(f));
    expect(hex.startsWith('a4')).toBe(true);
    expect(hex.split('636f6666').length - 1).toBe(2);
    expect(hex).toBe('a4636f66660061646178616501636f666601');
  });

  it('adds a non-text key', () => {
    expect(toHex(payloadOf(nonTextKey(base, echoBody, 1)))).toBe('a201006164626161');
    expect(payloadOf(nonTextKey(base, {}, Uint8Array.of(0x64)))[1]! >> 5).toBe(2);
  });

  it('claims a huge length', () => {
    const f = hugeLengthClaim(base, 'data', 'bstr');
    expect(toHex(payloadOf(f))).toBe('a164646174615affffffff01020304');
    expect(decodeCbor(payloadOf(f)).ok).toBe(false);
    expect(toHex(payloadOf(hugeLengthClaim(base, 'd', 'array', 2n ** 64n - 1n)))).toBe('a161649bffffffffffffffff00');
  });

  it('nests deeply', () => {
    const f = deepNesting(base, 'd', 10);
    expect(toHex(payloadOf(f))).toBe(`a16164${'81'.repeat(9)}80`);
    expect(toHex(payloadOf(deepNesting(base, 'd', 2, 'map')))).toBe('a16164a16161a0');
  });

  it('appends trailing bytes inside the length', () => {
    const f = trailingBytes(base, echoBody, Uint8Array.of(0, 0));
    expect(f.header.length).toBe(payloadOf(f).length);
    expect(decodeCbor(payloadOf(f)).ok).toBe(false);
  });

  it('concatenates several requests in one packet', () => {
    const a = withLengthDelta(base, echoBody, 0);
    const f = concatenated([a, a]);
    const first = decodeSmpPacket(f.bytes);
    expect(first.ok && first.value.rest.length).toBe(a.bytes.length);
  });
});
