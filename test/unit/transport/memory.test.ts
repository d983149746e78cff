import { describe, it, expect } from 'vitest';
import { createMemoryTransportPair } from '../../../src/transport/memory.ts';
import { TransportClosedError } from '../../../src/errors.ts';

describe('createMemoryTransportPair', () => {
  it('delivers in both directions, asynchronously and in order, as copies', async () => {
    const [a, b] = createMemoryTransportPair();
    const atB: number[][] = [];
    const atA: number[][] = [];
    b.onPacket((p) => atB.push([...p]));
    a.onPacket((p) => atA.push([...p]));
    const sent = new Uint8Array([1, 2]);
    await a.send(sent);
    await a.sendRaw(new Uint8Array([3]));
    sent[0] = 99;
    expect(atB).toEqual([]);
    await b.send(new Uint8Array([4]));
    await new Promise((r) => setImmediate(r));
    expect(atB).toEqual([[1, 2], [3]]);
    expect(atA).toEqual([[4]]);
    expect(a.kind).toBe('memory');
    expect(a.description).not.toBe(b.description);
  });

  it('unsubscribe stops delivery; a closed end rejects sends and drops arrivals', async () => {
    const [a, b] = createMemoryTransportPair();
    const got: number[] = [];
    const off = b.onPacket((p) => got.push(p[0]!));
    await a.send(new Uint8Array([1]));
    await new Promise((r) => setImmediate(r));
    off();
    await a.send(new Uint8Array([2]));
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([1]);
    await b.close();
    await b.close();
    expect(b.isClosed).toBe(true);
    await expect(b.send(new Uint8Array([3]))).rejects.toBeInstanceOf(TransportClosedError);
    await expect(a.send(new Uint8Array([3]))).resolves.toBeUndefined();
  });
});
