import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../../../src/core/bytes.ts';
import { encodeCborIndefinite } from '../../../../../src/codec/cbor/writer.ts';
import { allCommands, classifyResponseBody, decodeSmpPacket, encodeSmpPacket, responseOpFor } from '../../../../../src/codec/smp/index.ts';
import { fieldsToValue, valueToFields } from './vector-json.ts';

interface Vector {
  name: string;
  command: string | null;
  group: number;
  id: number;
  op: number;
  version: number;
  seq: number;
  direction: 'request' | 'response';
  kind?: 'ok' | 'errV1' | 'errV2';
  fields: Record<string, unknown>;
  hex: string;
  source: string;
}

const file = new URL('../../../../fixtures/vectors/smp-groups.jsonl', import.meta.url);
const vectors: Vector[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Vector);
const requests = vectors.filter((v) => v.direction === 'request');
const responses = vectors.filter((v) => v.direction === 'response');

describe('smp-groups.jsonl golden vectors', () => {
  it('every vector names its source', () => {
    for (const v of vectors) expect(v.source, v.name).toMatch(/^(capture zephyr-v4\.0-smp-udp\.jsonl#|spec smp\.md §|hand-derived from smp\.md §)/);
  });

  it('covers every command of every group with a request and a response', () => {
    for (const name of allCommands.keys()) {
      expect(requests.some((v) => v.command === name), `${name} request`).toBe(true);
      expect(responses.some((v) => v.command === name), `${name} response`).toBe(true);
    }
  });

  it('has v1 and v2 error responses for several groups', () => {
    const groupsWith = (kind: string): Set<number> => new Set(responses.filter((v) => v.kind === kind).map((v) => v.group));
    expect(groupsWith('errV1').size).toBeGreaterThanOrEqual(4);
    expect(groupsWith('errV2').size).toBeGreaterThanOrEqual(6);
  });

  describe.each(requests.map((v) => [v.name, v] as const))('request %s', (_name, v) => {
    it('encodeSmpPacket of the fields is byte-exact', () => {
      const command = v.command === null ? undefined : allCommands.get(v.command);
      const fields = fieldsToValue(v.fields) as Record<string, unknown>;
      const body = command ? command.encodeBody(fields) : fields;
      if (command) expect([command.group, command.id, command.op]).toEqual([v.group, v.id, v.op]);
      const bytes = encodeSmpPacket({ op: v.op, group: v.group, id: v.id, seq: v.seq, version: v.version, body });
      expect(toHex(bytes)).toBe(v.hex);
    });
  });

  describe.each(responses.map((v) => [v.name, v] as const))('response %s', (_name, v) => {
    it('decodes to the fields and re-encodes byte-exact (zcbor indefinite form)', () => {
      const packet = decodeSmpPacket(fromHex(v.hex));
      if (!packet.ok) throw new Error(packet.error.message);
      const { header, payload, rest } = packet.value;
      expect(rest.length).toBe(0);
      expect({ group: header.group, id: header.id, seq: header.seq, op: header.op, version: header.version }).toEqual({
        group: v.group, id: v.id, seq: v.seq, op: v.op, version: v.version,
      });
      expect([1, 3]).toContain(header.op);
      const body = classifyResponseBody(payload);
      expect(body.kind).toBe(v.kind);
      if (body.kind === 'malformed') return;
      expect(valueToFields(body.rsp)).toEqual(v.fields);
      expect(toHex(encodeCborIndefinite(fieldsToValue(v.fields)))).toBe(toHex(payload));
      if (body.kind === 'errV2') {
        const err = v.fields['err'] as { group: number; rc: number };
        expect([body.group, body.rc]).toEqual([err.group, err.rc]);
      }
      if (body.kind === 'errV1') expect(body.rc).toBe(v.fields['rc']);
    });

    if (v.kind === 'ok' && v.command !== null) {
      it(`${v.command}.decodeResponse accepts it with no unknown fields`, () => {
        const command = allCommands.get(v.command ?? '');
        expect(command).toBeDefined();
        expect(v.op).toBe(responseOpFor(command?.op ?? -1));
        const body = classifyResponseBody(fromHex(v.hex).subarray(8));
        if (body.kind !== 'ok') throw new Error(`expected ok, got ${body.kind}`);
        const decoded = command?.decodeResponse(body.rsp);
        expect(decoded?.ok ? [] : decoded?.error).toEqual([]);
        if (!decoded?.ok) return;
        expect(decoded.value.unknownFields).toEqual([]);
        expect(valueToFields(decoded.value.value)).toEqual(v.fields);
      });
    }
  });
});
