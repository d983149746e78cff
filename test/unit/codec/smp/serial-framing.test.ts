import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../../../../src/core/bytes.ts';
import {
  encodeSerialFrameLines,
  encodeSerialFrames,
  SerialFrameDecoder,
  type SerialFrameEvent,
  type SerialLineStyle,
} from '../../../../src/codec/smp/serial-framing.ts';
import { arbConsoleText, arbSerialChunking } from '../../../../src/codec/smp/serial-framing-arbitraries.ts';

interface SerialVector {
  name: string;
  packetHex: string;
  linesHex: string[];
  style: SerialLineStyle;
  source: string;
}

const vectors: SerialVector[] = readFileSync(new URL('../../../fixtures/vectors/smp-serial.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as SerialVector);

const KINDS = new Set(['packet', 'console', 'bad-crc', 'bad-base64', 'line-too-long', 'length-mismatch', 'orphan-continuation', 'restarted', 'too-short']);

function decodeAll(chunks: readonly Uint8Array[], decoder = new SerialFrameDecoder()): SerialFrameEvent[] {
  return chunks.flatMap((c) => decoder.push(c));
}

function line(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\n`);
}

describe('golden vectors (test/fixtures/vectors/smp-serial.jsonl)', () => {
  it('has the capture requests and responses and the spec example', () => {
    expect(vectors.filter((v) => v.source.endsWith('/response'))).toHaveLength(5);
    expect(vectors.filter((v) => v.source.endsWith('/request'))).toHaveLength(5);
    expect(vectors.filter((v) => v.source === 'spec smp.md §4.2').length).toBeGreaterThanOrEqual(1);
  });

  for (const v of vectors) {
    it(`${v.name}: encoder is byte-exact (${v.style}) and the decoder returns the packet`, () => {
      const packet = fromHex(v.packetHex);
      expect(encodeSerialFrameLines(packet, { style: v.style }).map(toHex)).toEqual(v.linesHex);
      const events = decodeAll(v.linesHex.map(fromHex));
      expect(events).toEqual([{ kind: 'packet', packet, lines: v.linesHex.length }]);
    });
  }

  it('reproduces the line lengths Zephyr uses around the one-line limit (spec §4.2)', () => {
    const lengths = (n: number) => encodeSerialFrameLines(new Uint8Array(n).fill(7)).map((l) => l.length);
    expect([88, 89, 90, 91, 92].map(lengths)).toEqual([[127], [127], [123, 11], [123, 11], [127, 7]]);
  });

  it('sliced style fills every line but the last to 127 bytes (300-byte packet: 304 framed bytes)', () => {
    expect(encodeSerialFrameLines(new Uint8Array(300), { style: 'sliced' }).map((l) => l.length)).toEqual([127, 127, 127, 39]);
  });

  it('refuses packets the 16-bit length cannot describe', () => {
    expect(() => encodeSerialFrames(new Uint8Array(0xfffe))).toThrow(RangeError);
  });
});

const arbStyle = fc.constantFrom<SerialLineStyle>('zephyr', 'sliced');

describe('encoder properties', () => {
  it('every line is at most 127 bytes, has a marker, whole base64 groups, and decodes on its own', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 4000 }), arbStyle, (packet, style) => {
        const lines = encodeSerialFrameLines(packet, { style });
        const decoded: Uint8Array[] = [];
        lines.forEach((l, i) => {
          expect(l.length).toBeLessThanOrEqual(127);
          expect(l[l.length - 1]).toBe(0x0a);
          expect([l[0], l[1]]).toEqual(i === 0 ? [0x06, 0x09] : [0x04, 0x14]);
          const text = Buffer.from(l.subarray(2, l.length - 1)).toString('latin1');
          expect(text.length % 4).toBe(0);
          expect(/^[A-Za-z0-9+/]*={0,2}$/.test(text)).toBe(true);
          if (i < lines.length - 1) expect(text.includes('=')).toBe(false);
          decoded.push(Buffer.from(text, 'base64'));
        });
        const body = concatBytes(...decoded);
        expect(((body[0]! << 8) | body[1]!) - 2).toBe(packet.length);
        expect(toHex(body.subarray(2, body.length - 2))).toBe(toHex(packet));
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('decoder properties', () => {
  it('round-trips packets of 1..4000 bytes in both styles under any chunking, with console lines between frames', () => {
    const arbCase = fc
      .record({
        frames: fc.array(fc.record({ before: fc.array(arbConsoleText(), { maxLength: 2 }), packet: fc.uint8Array({ minLength: 1, maxLength: 4000 }), style: arbStyle }), { minLength: 1, maxLength: 3 }),
        after: fc.array(arbConsoleText(), { maxLength: 2 }),
      })
      .chain((c) => {
        const parts: Uint8Array[] = [];
        for (const f of c.frames) parts.push(...f.before.map(line), encodeSerialFrames(f.packet, { style: f.style }));
        parts.push(...c.after.map(line));
        const wire = concatBytes(...parts);
        return arbSerialChunking(wire).map((chunks) => ({ c, wire, chunks }));
      });
    fc.assert(
      fc.property(arbCase, ({ c, chunks }) => {
        const expected: SerialFrameEvent[] = [];
        for (const f of c.frames) {
          expected.push(...f.before.map((text) => ({ kind: 'console' as const, text, bytes: new TextEncoder().encode(text) })));
          expected.push({ kind: 'packet', packet: f.packet, lines: encodeSerialFrameLines(f.packet, { style: f.style }).length });
        }
        expected.push(...c.after.map((text) => ({ kind: 'console' as const, text, bytes: new TextEncoder().encode(text) })));
        expect(decodeAll(chunks)).toEqual(expected);
      }),
      { numRuns: 10_000 },
    );
  });

  it('keeps a packet in progress across console lines between its lines', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 200, maxLength: 600 }), arbConsoleText(), (packet, text) => {
        const lines = encodeSerialFrameLines(packet);
        const wire = concatBytes(lines[0]!, line(text), ...lines.slice(1));
        const events = decodeAll([wire]);
        expect(events.map((e) => e.kind)).toEqual(['console', 'packet']);
        expect(events[1]).toEqual({ kind: 'packet', packet, lines: lines.length });
      }),
      { numRuns: 1000 },
    );
  });

  it('recovers: after any bytes ended by a newline, the next valid frame decodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.uint8Array({ minLength: 1, maxLength: 400 }), arbStyle, (garbage, packet, style) => {
        const decoder = new SerialFrameDecoder();
        decoder.push(concatBytes(garbage, Uint8Array.of(0x0a)));
        const events = decoder.push(encodeSerialFrames(packet, { style }));
        expect(events.at(-1)).toEqual({ kind: 'packet', packet, lines: encodeSerialFrameLines(packet, { style }).length });
        expect(events.every((e) => e.kind === 'packet' || e.kind === 'restarted')).toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });

  it('never throws on arbitrary bytes and reports only typed events', () => {
    const start = Uint8Array.of(0x06, 0x09);
    const cont = Uint8Array.of(0x04, 0x14);
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.constantFrom(start, cont, Uint8Array.of(0x0a), Uint8Array.of(0x0d, 0x0a), line('AAA='), line('AAEA')),
      fc.base64String({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((p) => encodeSerialFrames(p)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.integer({ min: 3, max: 300 }), fc.integer({ min: 0, max: 500 }), (pieces, maxLineBytes, maxPacketBytes) => {
        const decoder = new SerialFrameDecoder({ maxLineBytes, maxPacketBytes });
        for (const p of pieces) {
          for (const e of decoder.push(p)) {
            expect(KINDS.has(e.kind)).toBe(true);
            if (e.kind === 'packet') expect(e.packet.length).toBeLessThanOrEqual(maxPacketBytes);
            else if (e.kind !== 'console') expect(e.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
