import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '../../../../src/core/bytes.ts';
import { encodeSerialFrameLines, encodeSerialFrames, SerialFrameDecoder, type SerialFrameEvent } from '../../../../src/codec/smp/serial-framing.ts';
import { encodeSerialFrameLinesUnchecked, encodeSerialFrameUnchecked, type SerialFrameDamage } from '../../../../src/codec/smp/serial-framing-unchecked.ts';

const short = Uint8Array.from([0x02, 0, 0, 0x06, 0, 0, 0x42, 0, 0xa1, 0x61, 0x64, 0x62, 0x61, 0x61]);
const long = Uint8Array.from({ length: 250 }, (_, i) => (i * 7) & 0xff);
const next = Uint8Array.from({ length: 40 }, (_, i) => i);

function kinds(events: readonly SerialFrameEvent[]): string[] {
  return events.map((e) => e.kind);
}

/** Each damage, the packet it is applied to, and the events the decoder must report for it. */
const table: { name: string; packet: Uint8Array; damage: SerialFrameDamage; expected: string[] }[] = [
  { name: 'wrong CRC', packet: short, damage: { crc: 0x1234 }, expected: ['bad-crc'] },
  { name: 'wrong CRC, multi-line', packet: long, damage: { crc: 0 }, expected: ['bad-crc'] },
  { name: 'length field too small', packet: long, damage: { lengthField: 100 }, expected: ['length-mismatch', 'orphan-continuation'] },
  { name: 'length field too large (stalls until the next start line)', packet: short, damage: { lengthField: 40 }, expected: ['restarted'] },
  { name: 'length field 0 (§6.3 item 36)', packet: short, damage: { lengthField: 0 }, expected: ['too-short'] },
  { name: 'length field 1', packet: short, damage: { lengthField: 1 }, expected: ['too-short'] },
  { name: 'bad base64 char in line 1', packet: short, damage: { badBase64At: 5 }, expected: ['bad-base64'] },
  { name: 'bad base64 char in line 2', packet: long, damage: { badBase64At: 130 }, expected: ['bad-base64', 'orphan-continuation'] },
  { name: 'over-long single line', packet: long, damage: { lineBytes: 400 }, expected: ['line-too-long'] },
  { name: 'over-long lines', packet: long, damage: { lineBytes: 200 }, expected: ['line-too-long', 'line-too-long'] },
  { name: 'missing start marker', packet: short, damage: { omitStartMarker: true }, expected: ['console'] },
  { name: 'missing start marker, multi-line', packet: long, damage: { omitStartMarker: true }, expected: ['console', 'orphan-continuation', 'orphan-continuation'] },
  { name: 'continuation marker first', packet: short, damage: { continuationFirst: true }, expected: ['orphan-continuation'] },
  { name: 'line split mid base64 group', packet: short, damage: { splitMidGroup: true }, expected: ['bad-base64', 'orphan-continuation'] },
  { name: 'line split mid base64 group, multi-line', packet: long, damage: { splitMidGroup: true }, expected: ['bad-base64', 'orphan-continuation', 'orphan-continuation'] },
  { name: 'console text inside an SMP line', packet: short, damage: { consoleTextInside: ' <inf> hello ' }, expected: ['bad-base64'] },
  { name: 'base64-looking text inside an SMP line', packet: short, damage: { consoleTextInside: 'AAAA' }, expected: ['length-mismatch'] },
];

describe('encodeSerialFrameUnchecked', () => {
  it('without damage equals the checked encoder in both styles', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 1000 }), fc.constantFrom('zephyr' as const, 'sliced' as const), (p, style) => {
        expect(toHex(encodeSerialFrameUnchecked(p, {}, { style }))).toBe(toHex(encodeSerialFrames(p, { style })));
      }),
      { numRuns: 500 },
    );
  });

  for (const row of table) {
    it(`${row.name} → ${row.expected.join(', ')}; the next valid frame still decodes`, () => {
      const decoder = new SerialFrameDecoder();
      const damaged = decoder.push(encodeSerialFrameUnchecked(row.packet, row.damage));
      const after = decoder.push(encodeSerialFrames(next));
      const all = [...damaged, ...after];
      expect(kinds(all)).toEqual([...row.expected, 'packet']);
      expect(all[all.length - 1]).toEqual({ kind: 'packet', packet: next, lines: 1 });
    });
  }

  it('changes only what the damage names', () => {
    const good = encodeSerialFrameLines(long);
    const lines = encodeSerialFrameLinesUnchecked(long, { continuationFirst: true });
    expect(toHex(lines[0]!.subarray(2))).toBe(toHex(good[0]!.subarray(2)));
    expect([lines[0]![0], lines[0]![1]]).toEqual([0x04, 0x14]);
    expect(lines.slice(1).map(toHex)).toEqual(good.slice(1).map(toHex));
    const over = encodeSerialFrameLinesUnchecked(long, { lineBytes: 200 });
    expect(over[0]!.length).toBe(199);
    const split = encodeSerialFrameLinesUnchecked(short, { splitMidGroup: true });
    expect((split[0]!.length - 3) % 4).toBe(2);
    const text = (lines: Uint8Array[]) => toHex(concatBytes(...lines.map((l) => l.subarray(2, l.length - 1))));
    expect(text(split)).toBe(text(encodeSerialFrameLines(short)));
  });

  it('rejects damage it cannot apply', () => {
    expect(() => encodeSerialFrameUnchecked(short, { badBase64At: 1000 })).toThrow(RangeError);
    expect(() => encodeSerialFrameUnchecked(short, { lengthField: 0x10000 })).toThrow(RangeError);
    expect(() => encodeSerialFrameUnchecked(short, { lineBytes: 5 })).toThrow(RangeError);
  });
});

describe('SerialFrameDecoder edge cases', () => {
  const enc = new TextEncoder();

  it('accepts \\r\\n line endings (the \\r counts towards the 127-byte line)', () => {
    const lines = encodeSerialFrameLines(long, { maxLineBytes: 126 }).map((l) => concatBytes(l.subarray(0, -1), Uint8Array.of(0x0d, 0x0a)));
    expect(new SerialFrameDecoder().push(concatBytes(...lines))).toEqual([{ kind: 'packet', packet: long, lines: lines.length }]);
  });

  it('reports the spec §6.3 item 36 probes (L = 0, L = 1) as too-short', () => {
    const d = new SerialFrameDecoder();
    expect(kinds(d.push(Uint8Array.of(0x06, 0x09, 0x41, 0x41, 0x41, 0x3d, 0x0a)))).toEqual(['too-short']);
    expect(kinds(d.push(Uint8Array.of(0x06, 0x09, 0x41, 0x41, 0x45, 0x41, 0x0a)))).toEqual(['too-short']);
    expect(kinds(d.push(Uint8Array.of(0x06, 0x09, 0x41, 0x41, 0x3d, 0x3d, 0x0a)))).toEqual(['too-short']);
  });

  it('passes an empty SMP packet (L = 2, CRC 00 00) through for the caller to judge (§6.3 item 37)', () => {
    expect(new SerialFrameDecoder().push(enc.encode('\x06\x09AAIAAA==\n'))).toEqual([{ kind: 'packet', packet: new Uint8Array(0), lines: 1 }]);
  });

  it('drops a line of 128 bytes but takes one of exactly 127 (§6.3 item 30)', () => {
    const p89 = new Uint8Array(89).fill(1);
    const l = encodeSerialFrameLines(p89);
    expect(l[0]!.length).toBe(127);
    expect(kinds(new SerialFrameDecoder().push(l[0]!))).toEqual(['packet']);
    const padded = concatBytes(l[0]!.subarray(0, -1), Uint8Array.of(0x0d, 0x0a));
    expect(kinds(new SerialFrameDecoder().push(padded))).toEqual(['line-too-long']);
  });

  it('bounds the packet by maxPacketBytes from the length field alone', () => {
    const events = new SerialFrameDecoder({ maxPacketBytes: 100 }).push(encodeSerialFrames(new Uint8Array(101)));
    expect(kinds(events)).toEqual(['length-mismatch', 'orphan-continuation']);
    expect(kinds(new SerialFrameDecoder({ maxPacketBytes: 100 }).push(encodeSerialFrames(new Uint8Array(100))))).toEqual(['packet']);
  });

  it('rejects space, bare \\r, = mid-text and more than two = as bad base64', () => {
    for (const text of ['AAIA AA=', 'AAIA\rAA=', 'AA=AAAAA', 'AAIA====', 'AAIAA', 'AAI*']) {
      const events = new SerialFrameDecoder().push(enc.encode(`\x06\x09${text}\n`));
      expect(kinds(events), text).toEqual(['bad-base64']);
    }
  });

  it('holds a partial line until its newline and forgets it on reset()', () => {
    const d = new SerialFrameDecoder();
    const wire = encodeSerialFrames(short);
    expect(d.push(wire.subarray(0, 10))).toEqual([]);
    d.reset();
    expect(kinds(d.push(wire.subarray(10)))).toEqual(['console']);
    expect(kinds(d.push(wire))).toEqual(['packet']);
  });

  it('reports the partial packet a start line throws away', () => {
    const lines = encodeSerialFrameLines(long);
    const events = new SerialFrameDecoder().push(concatBytes(lines[0]!, encodeSerialFrames(short)));
    expect(kinds(events)).toEqual(['restarted', 'packet']);
    expect(events[0]!.kind === 'restarted' && events[0]!.bytes?.length).toBe(91);
  });
});
