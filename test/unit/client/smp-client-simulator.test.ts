/**
 * SmpClient against the reference simulator over real loopback UDP and a real pseudo-terminal:
 * the client's matching holds up when the device misbehaves (dropped and mis-numbered replies).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SmpClient } from '../../../src/client/smp-client.ts';
import { smpRequest } from '../../../src/codec/smp/command.ts';
import { osCommands } from '../../../src/codec/smp/groups/os.ts';
import { ResponseTimeoutError } from '../../../src/errors.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator/index.ts';
import { SerialTransport } from '../../../src/transport/serial.ts';
import { toHex } from '../../../src/core/bytes.ts';
import { SmpOp } from '../../../src/codec/smp/constants.ts';
import { encodeSmpPacket } from '../../../src/codec/smp/message.ts';
import { encodeSerialFrames } from '../../../src/codec/smp/serial-framing.ts';
import { UdpTransport } from '../../../src/transport/udp.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function simClient(options: SimulatorOptions, clientOptions: ConstructorParameters<typeof SmpClient>[1] = {}): Promise<{ sim: RunningSimulator; client: SmpClient }> {
  const sim = await startSimulator({ udp: { port: 0 }, serial: false, ...options });
  stops.push(() => sim.stop());
  const client = new SmpClient(await UdpTransport.open({ host: '127.0.0.1', port: sim.udp!.port }), { timeoutMs: 1000, ...clientOptions });
  stops.push(() => client.close());
  return { sim, client };
}

const echo = (d: string) => smpRequest(osCommands.echo, { d });
const text = (r: { decoded: unknown }) => (r.decoded as { ok: boolean; value: { value: { r: string } } }).value.value.r;

describe('SmpClient against the simulator', () => {
  it('keeps a window of 2 busy and gets every reply right', async () => {
    const { client } = await simClient({}, { window: 2 });
    const words = Array.from({ length: 20 }, (_, i) => `word-${i}`);
    const replies = await Promise.all(words.map((w) => client.request(echo(w))));
    expect(replies.map(text)).toEqual(words);
    expect(new Set(replies.map((r) => r.requestHeader.seq)).size).toBe(20);
  });

  it('a dropped reply times out and the next request still matches (drop-every-nth:3)', async () => {
    const { client } = await simClient({ faults: ['drop-every-nth:3'] });
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      outcomes.push(await client.request(echo(`n${i}`), { timeoutMs: 150 }).then(text, (e: unknown) => (e instanceof ResponseTimeoutError ? 'timeout' : 'other')));
    }
    expect(outcomes.filter((o) => o === 'timeout')).toHaveLength(2);
    expect(outcomes.filter((o) => o.startsWith('n'))).toEqual(outcomes.filter((o, i) => o === `n${i}`));
  });

  it('a reply with the wrong seq is not taken as the answer; it is traced as unmatched (wrong-seq)', async () => {
    const { client } = await simClient({ faults: ['wrong-seq'] });
    await expect(client.request(echo('x'), { timeoutMs: 150 })).rejects.toBeInstanceOf(ResponseTimeoutError);
    const unmatched = client.trace.entries.filter((e) => e.note === 'unmatched');
    expect(unmatched).toHaveLength(1);
    expect(unmatched[0]?.decoded).toMatchObject({ header: { seq: 1 }, body: { r: 'x' } });
  });

  it('echo over the pseudo-terminal with SMP console framing', async () => {
    const sim = await startSimulator({ udp: false, serial: true });
    stops.push(() => sim.stop());
    const client = new SmpClient(await SerialTransport.open({ path: sim.serialPath! }), { timeoutMs: 2000 });
    stops.push(() => client.close());
    // A multi-line frame within the simulator's 256-byte serial MTU (Zephyr's default).
    const long = 'z'.repeat(240);
    expect(text(await client.request(echo('over the pty')))).toBe('over the pty');
    expect(text(await client.request(echo(long)))).toBe(long);
  });

  it('exchangeRaw with framed: false writes hand-framed bytes to the pty exactly as given', async () => {
    const sim = await startSimulator({ udp: false, serial: true });
    stops.push(() => sim.stop());
    const client = new SmpClient(await SerialTransport.open({ path: sim.serialPath! }), { timeoutMs: 2000 });
    stops.push(() => client.close());
    const packet = encodeSmpPacket({ op: SmpOp.WRITE, group: 0, id: 0, seq: 42, body: { d: 'hand framed' } });
    const frame = encodeSerialFrames(packet);
    const reply = await client.exchangeRaw(frame, { match: { group: 0, id: 0, seq: 42 }, framed: false });
    expect(reply.body).toMatchObject({ kind: 'ok', rsp: { r: 'hand framed' } });
    expect(client.trace.entries[0]).toMatchObject({ direction: 'out', note: 'raw-unframed', hex: toHex(frame) });
  });
});
