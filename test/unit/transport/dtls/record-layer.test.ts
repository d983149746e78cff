/** Two record layers with one key block: reordered and duplicated records open exactly once. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContentType, DtlsVersion, encodeDtlsRecord, splitDtlsDatagram } from '../../../../src/codec/dtls/index.ts';
import { ccmKeyBlock } from '../../../../src/transport/dtls/key-schedule.ts';
import { RecordLayer } from '../../../../src/transport/dtls/record-layer.ts';

function layers(): { client: RecordLayer; server: RecordLayer } {
  const keys = ccmKeyBlock(new Uint8Array(48).fill(9), new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
  const client = new RecordLayer('client');
  const server = new RecordLayer('server');
  for (const l of [client, server]) {
    l.setKeys(keys);
    l.activateWrite();
    l.activateRead();
  }
  return { client, server };
}

const recordOf = (bytes: Uint8Array) => splitDtlsDatagram(bytes).records[0]!;

describe('RecordLayer', () => {
  it('opens each protected record once, in any order, with duplicates', () => {
    const arb = fc.integer({ min: 1, max: 64 }).chain((n) =>
      fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys(), ...Array(n).keys()], { minLength: 2 * n })),
    );
    fc.assert(fc.property(arb, ([n, order]) => {
      const { client, server } = layers();
      const wire = Array.from({ length: n }, (_, i) => client.write(ContentType.application_data, Uint8Array.of(i)));
      const opened: number[] = [];
      for (const i of order) {
        const result = server.read(recordOf(wire[i]!));
        if (result.kind === 'ok') opened.push(result.plaintext[0]!);
        else expect(result.reason).toBe('replay');
      }
      expect([...opened].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    }), { numRuns: 200 });
  });

  it('uses the peer direction keys: a record read back by its own writer fails authentication', () => {
    const { client } = layers();
    expect(client.read(recordOf(client.write(ContentType.application_data, Uint8Array.of(1))))).toEqual({ kind: 'dropped', reason: 'bad-record-mac' });
  });

  it('keeps epoch-0 plaintext readable after the switch and drops other epochs', () => {
    const { server } = layers();
    const plain = encodeDtlsRecord({ type: ContentType.handshake, version: DtlsVersion.DTLS_1_2, epoch: 0, sequenceNumber: 5, fragment: Uint8Array.of(1) });
    expect(server.read(recordOf(plain))).toMatchObject({ kind: 'ok', epoch: 0 });
    const future = encodeDtlsRecord({ type: ContentType.application_data, version: DtlsVersion.DTLS_1_2, epoch: 2, sequenceNumber: 0, fragment: new Uint8Array(20) });
    expect(server.read(recordOf(future))).toEqual({ kind: 'dropped', reason: 'wrong-epoch' });
  });

  it('refuses records older than the 64-record window', () => {
    const { client, server } = layers();
    const wire = Array.from({ length: 70 }, (_, i) => client.write(ContentType.application_data, Uint8Array.of(i)));
    expect(server.read(recordOf(wire[69]!)).kind).toBe('ok');
    expect(server.read(recordOf(wire[6]!)).kind).toBe('ok');
    expect(server.read(recordOf(wire[5]!))).toEqual({ kind: 'dropped', reason: 'too-old' });
  });
});
