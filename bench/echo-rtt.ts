/**
 * Echo round trips through `SmpClient` over UDP against a raw `dgram` client, both talking to
 * the same simulator endpoint (a separate process, like a device), alternating echo by echo so
 * that machine load affects both alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { SmpClient } from '../src/client/smp-client.ts';
import { smpRequest } from '../src/codec/smp/command.ts';
import { SmpOp } from '../src/codec/smp/constants.ts';
import { osCommands } from '../src/codec/smp/groups/os.ts';
import { encodeSmpPacket } from '../src/codec/smp/message.ts';
import { UdpTransport } from '../src/transport/udp.ts';

const bin = fileURLToPath(new URL('../bin/mgmt-conformance.js', import.meta.url));

/** Start `mgmt-conformance sim --udp 0` and wait for its endpoint line. */
async function startSimProcess(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [bin, 'sim', '--udp', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulator did not start: ${out}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /udp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
  return { child, port };
}

/** A raw client: one prebuilt echo datagram, seq patched in place, sequential round trips. */
async function openRawClient(port: number): Promise<{ roundTrips: (n: number) => Promise<void>; close: () => void }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
  const packet = encodeSmpPacket({ op: SmpOp.WRITE, group: 0, id: 0, seq: 0, body: { d: 'hello' } });
  let waiting: { seq: number; resolve: () => void } | undefined;
  socket.on('message', (msg) => {
    if (waiting && msg[6] === waiting.seq) waiting.resolve();
  });
  let seq = 0;
  const once = (): Promise<void> =>
    new Promise((resolve, reject) => {
      seq = (seq + 1) & 0xff;
      packet[6] = seq;
      const timer = setTimeout(() => reject(new Error('raw echo: no answer within 1000 ms')), 1000);
      waiting = { seq, resolve: () => (clearTimeout(timer), resolve()) };
      socket.send(packet);
    });
  return {
    roundTrips: async (n) => {
      for (let i = 0; i < n; i++) await once();
    },
    close: () => socket.close(),
  };
}

/** Result of the client-vs-raw comparison. */
export interface EchoRttResult {
  pairs: number;
  /** Median round-trip times. */
  clientRttUs: number;
  rawRttUs: number;
  clientP90RttUs: number;
  rawP90RttUs: number;
  /** 1 / median RTT: sequential echoes per second. */
  clientEchoPerSec: number;
  rawEchoPerSec: number;
  /** Median client RTT / median raw RTT; goal ≤ 1.25. */
  ratio: number;
  goalRatio: number;
  isWithinGoal: boolean;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** RTT samples of both sides, in microseconds. */
interface PairSamples {
  clientUs: number[];
  rawUs: number[];
}

/**
 * Single echoes, client and raw alternating one by one (the order flipping each pair): both
 * sides of a pair run microseconds apart, so load from other processes hits them alike.
 */
async function measurePairs(pairs: number, viaClient: () => Promise<unknown>, viaRaw: () => Promise<unknown>): Promise<PairSamples> {
  const out: PairSamples = { clientUs: [], rawUs: [] };
  const time = async (f: () => Promise<unknown>, into: number[]): Promise<void> => {
    const start = process.hrtime.bigint();
    await f();
    into.push(Number(process.hrtime.bigint() - start) / 1e3);
  };
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      await time(viaClient, out.clientUs);
      await time(viaRaw, out.rawUs);
    } else {
      await time(viaRaw, out.rawUs);
      await time(viaClient, out.clientUs);
    }
  }
  return out;
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

function summarise(pairs: number, s: PairSamples): EchoRttResult {
  const client = percentile(s.clientUs, 0.5);
  const raw = percentile(s.rawUs, 0.5);
  const ratio = client / raw;
  return {
    pairs,
    clientRttUs: round1(client),
    rawRttUs: round1(raw),
    clientP90RttUs: round1(percentile(s.clientUs, 0.9)),
    rawP90RttUs: round1(percentile(s.rawUs, 0.9)),
    clientEchoPerSec: Math.round(1e6 / client),
    rawEchoPerSec: Math.round(1e6 / raw),
    ratio: round3(ratio),
    goalRatio: 1.25,
    isWithinGoal: ratio <= 1.25,
  };
}

/**
 * Echo RTT through `SmpClient` and through a raw socket against one simulator process; the
 * ratio is the median of the per-pair ratios.
 */
export async function benchEchoRtt(pairs = 10_000): Promise<EchoRttResult> {
  const { child, port } = await startSimProcess();
  const raw = await openRawClient(port);
  const client = new SmpClient(await UdpTransport.open({ host: '127.0.0.1', port }), { timeoutMs: 1000 });
  const echo = smpRequest(osCommands.echo, { d: 'hello' });
  const viaClient = (): Promise<unknown> => client.request(echo);
  const viaRaw = (): Promise<void> => raw.roundTrips(1);
  try {
    await measurePairs(500, viaClient, viaRaw);
    return summarise(pairs, await measurePairs(pairs, viaClient, viaRaw));
  } finally {
    await client.close();
    raw.close();
    child.kill('SIGTERM');
  }
}
