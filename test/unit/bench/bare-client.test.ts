/**
 * The bench's bare-socket client over real loopback UDP when datagrams are lost: a request whose
 * first datagram is dropped is sent again with the same bytes and completes, an upload survives a
 * lost chunk (the chunks in flight sent again in order) and a lost final answer, and a device
 * that never answers ends in a clear error after the bounded resends.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { Decoder } from 'cbor-x';
import { afterEach, describe, expect, it } from 'vitest';
import { bareEchoes, bareFrame, bareUpload } from '../../../bench/bare-client.mjs';
import { signMcubootImage } from '../../../src/codec/image/index.ts';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.ts';

const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });
const sockets: Socket[] = [];
let sim: RunningSimulator | undefined;

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await sim?.stop();
  sim = undefined;
});

async function bound(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port };
}

/**
 * An echo server that records every datagram and answers it unless `drop(datagram, nth copy of
 * these bytes)` says to drop it.
 */
async function echoServer(drop: (bytes: Buffer, copy: number) => boolean): Promise<{ port: number; got: Buffer[] }> {
  const { socket, port } = await bound();
  const got: Buffer[] = [];
  socket.on('message', (m: Buffer, from: RemoteInfo) => {
    const copy = got.filter((g) => g.equals(m)).length;
    got.push(m);
    if (drop(m, copy)) return;
    const rsp = bareFrame(3, 0, 0, m[6]!, { r: 'hello' });
    socket.send(rsp, from.port, from.address);
  });
  return { port, got };
}

/**
 * A relay between the client and the simulator: `dropUp` / `dropDown` drop a request or an answer
 * (numbered from 0 in their direction); every answer body is kept, decoded.
 */
async function lossyRelay(devicePort: number, dropUp: (n: number) => boolean, dropDown: (body: Record<string, unknown>) => boolean): Promise<{ port: number; answers: Record<string, unknown>[] }> {
  const front = await bound();
  const back = await bound();
  const answers: Record<string, unknown>[] = [];
  let client: RemoteInfo | undefined;
  let up = 0;
  front.socket.on('message', (m: Buffer, from: RemoteInfo) => {
    client = from;
    if (!dropUp(up++)) back.socket.send(m, devicePort, '127.0.0.1');
  });
  back.socket.on('message', (m: Buffer) => {
    const body = decoder.decode(m.subarray(8)) as Record<string, unknown>;
    answers.push(body);
    if (!dropDown(body) && client) front.socket.send(m, client.port, client.address);
  });
  return { port: front.port, answers };
}

function image(bytes: number): Uint8Array {
  const payload = Uint8Array.from({ length: bytes - 72 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
  const built = signMcubootImage({ payload, version: { major: 1, minor: 0, revision: 0, build: 1 } });
  if (!built.ok) throw new Error(built.error);
  return built.value;
}

describe('bare client resends', () => {
  it('sends an echo whose first datagram is dropped again, unchanged, and completes with 1 resend', async () => {
    const server = await echoServer((_m, copy) => copy === 0);
    const started = performance.now();
    const result = await bareEchoes(server.port, 1, { timeoutMs: 100, maxResends: 3 });
    expect(result.resends).toBe(1);
    expect(result.rtts).toHaveLength(1);
    // The round trip includes the one wait for the lost datagram.
    expect(result.rtts[0]!).toBeGreaterThanOrEqual(90_000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(server.got).toHaveLength(2);
    expect(server.got[1]!.equals(server.got[0]!)).toBe(true);
  });

  it('ends with an error naming the sends when nothing ever answers, after exactly the bounded resends', async () => {
    const server = await echoServer(() => true);
    const started = performance.now();
    await expect(bareEchoes(server.port, 1, { timeoutMs: 100, maxResends: 2 })).rejects.toThrow('bare echo seq 0: no answer to 3 sends of 100 ms each');
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(2000);
    expect(server.got).toHaveLength(3);
    // No send after giving up: the socket is closed and the timer gone.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(server.got).toHaveLength(3);
  });

  it('uploads through a lost chunk request with a window of 3, the device confirming the image', async () => {
    sim = await startSimulator({ udp: { port: 0 }, serial: false, bufCount: 4 });
    const img = image(8192);
    // Request 4 is the fifth chunk: the chunks after it hear the device's lower offset.
    const relay = await lossyRelay(sim.udp!.port, (n) => n === 4, () => false);
    const result = await bareUpload(relay.port, img, 3, 512, { timeoutMs: 400, maxResends: 3 });
    // The lost chunk and the two after it, which the device skipped, sent again once each.
    expect(result.resends).toBe(3);
    expect(relay.answers.at(-1)).toEqual({ off: img.length, match: true });
  });

  it('goes on after the answer to the final chunk is lost: the device names offset 0 and confirms the image it holds', async () => {
    sim = await startSimulator({ udp: { port: 0 }, serial: false, bufCount: 4 });
    const img = image(4096);
    let dropped = false;
    const relay = await lossyRelay(sim.udp!.port, () => false, (body) => body['off'] === img.length && !dropped && (dropped = true));
    const result = await bareUpload(relay.port, img, 2, 512, { timeoutMs: 400, maxResends: 3 });
    expect(result.resends).toBe(1);
    // Completed, lost; the resent final chunk heard off 0; the first chunk again: already there
    // (the second chunk, sent beside it in the window, may hear off 0 after that).
    const lost = relay.answers.findIndex((a) => a['match'] === true);
    expect(relay.answers.slice(lost, lost + 3)).toEqual([{ off: img.length, match: true }, { off: 0 }, { off: img.length, match: true }]);
    expect(relay.answers.slice(lost + 3).every((a) => a['off'] === 0)).toBe(true);
  });

  it('fails an upload whose device never answers after the bounded resends of its first chunk', async () => {
    const server = await echoServer(() => true);
    await expect(bareUpload(server.port, image(2048), 2, 512, { timeoutMs: 80, maxResends: 1 })).rejects.toThrow(
      'bare upload: chunk at offset 0 (seq 0) unanswered after 2 sends of 80 ms each',
    );
    // Two chunks in the window, each sent twice.
    expect(server.got).toHaveLength(4);
  });
});
