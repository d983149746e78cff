/**
 * Echo round trips through `SmpClient` over UDP against a raw `dgram` client, both talking to
 * the same simulator endpoint (a separate process, like a device), measured in alternating
 * rounds so that machine load affects both alike.
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

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Mean microseconds per round trip of `n` sequential round trips. */
async function timeRound(n: number, run: (n: number) => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await run(n);
  return Number(process.hrtime.bigint() - start) / 1e3 / n;
}

/** Result of the client-vs-raw comparison. */
export interface EchoRttResult {
  pairs: number;
  echoesPerRound: number;
  /** Medians over rounds of the mean RTT per round. */
  clientRttUs: number;
  rawRttUs: number;
  /** Fastest round of each: the least disturbed by other load on the machine. */
  clientBestRttUs: number;
  rawBestRttUs: number;
  clientEchoPerSec: number;
  rawEchoPerSec: number;
  /** Median over back-to-back pairs of (client RTT / raw RTT); goal ≤ 1.25. */
  ratio: number;
  /** Best client round / best raw round. */
  bestRatio: number;
  goalRatio: number;
  isWithinGoal: boolean;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Per-round mean RTTs of both sides and the per-pair ratios. */
interface PairSamples {
  clientUs: number[];
  rawUs: number[];
  ratios: number[];
}

/** Rounds in back-to-back pairs, the order flipping each pair, so both sides see the same load. */
async function measurePairs(pairs: number, n: number, viaClient: (n: number) => Promise<void>, viaRaw: (n: number) => Promise<void>): Promise<PairSamples> {
  const out: PairSamples = { clientUs: [], rawUs: [], ratios: [] };
  for (let r = 0; r < pairs; r++) {
    const isClientFirst = r % 2 === 0;
    const first = await timeRound(n, isClientFirst ? viaClient : viaRaw);
    const second = await timeRound(n, isClientFirst ? viaRaw : viaClient);
    const [c, w] = isClientFirst ? [first, second] : [second, first];
    out.clientUs.push(c);
    out.rawUs.push(w);
    out.ratios.push(c / w);
  }
  return out;
}

function summarise(pairs: number, echoesPerRound: number, s: PairSamples): EchoRttResult {
  const ratio = median(s.ratios);
  const clientBest = Math.min(...s.clientUs);
  const rawBest = Math.min(...s.rawUs);
  return {
    pairs,
    echoesPerRound,
    clientRttUs: round1(median(s.clientUs)),
    rawRttUs: round1(median(s.rawUs)),
    clientBestRttUs: round1(clientBest),
    rawBestRttUs: round1(rawBest),
    clientEchoPerSec: Math.round(1e6 / median(s.clientUs)),
    rawEchoPerSec: Math.round(1e6 / median(s.rawUs)),
    ratio: round3(ratio),
    bestRatio: round3(clientBest / rawBest),
    goalRatio: 1.25,
    isWithinGoal: ratio <= 1.25,
  };
}

/**
 * Echo RTT through `SmpClient` and through a raw socket against one simulator process; the
 * ratio is the median of the per-pair ratios.
 */
export async function benchEchoRtt(pairs = 30, echoesPerRound = 200): Promise<EchoRttResult> {
  const { child, port } = await startSimProcess();
  const raw = await openRawClient(port);
  const client = new SmpClient(await UdpTransport.open({ host: '127.0.0.1', port }), { timeoutMs: 1000 });
  const echo = smpRequest(osCommands.echo, { d: 'hello' });
  const viaClient = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await client.request(echo);
  };
  try {
    await viaClient(300);
    await raw.roundTrips(300);
    return summarise(pairs, echoesPerRound, await measurePairs(pairs, echoesPerRound, viaClient, raw.roundTrips));
  } finally {
    await client.close();
    raw.close();
    child.kill('SIGTERM');
  }
}
