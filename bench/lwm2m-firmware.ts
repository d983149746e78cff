/**
 * Firmware push throughput through the harness's LwM2M server to the simulated client over
 * loopback UDP: an MCUboot image written to /5/0/0 block-wise at block size 1024 (SZX 6, a
 * client whose own Block1 size is 1024, so no negotiation), CON per block, one block in flight,
 * as a device sees it. Bytes per second are unrounded; each round resets the Firmware object.
 * Server and client share this process (one event loop), like the other LwM2M bench figures.
 */
import { ContentFormat } from '../src/codec/coap/content-format.ts';
import { signMcubootImage } from '../src/codec/image/sign.ts';
import { Lwm2mServer } from '../src/client/lwm2m-server.ts';
import { startLwm2mClientSimulator } from '../src/simulator/lwm2m-client/index.ts';
import { isMainModule } from './is-main.ts';

/** Figures of the firmware push bench. */
export interface FirmwarePushFigures {
  blockBytes: number;
  packageBytes: number;
  rounds: number;
  /** Per round: bytes / wall time of the whole push (first block to the final 2.04). */
  bytesPerSec: number[];
  /** Median of the rounds. */
  medianBytesPerSec: number;
  /** Block round trips over every round, ms. */
  blockRttMs: { p50: number; p95: number; max: number };
  /** State after each push (2 = Downloaded: the image arrived intact). */
  states: number[];
}

const ENDPOINT = 'bench-fw';
const SZX_1024 = 6;

function at(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** Push a `packageBytes` image `rounds` times at 1024-byte blocks. */
export async function benchFirmwarePush(packageBytes = 256 * 1024, rounds = 3): Promise<FirmwarePushFigures> {
  const image = signMcubootImage({ payload: new Uint8Array(packageBytes - 72).map((_, i) => (i * 31) & 0xff), version: { major: 1, minor: 0, revision: 0, build: 0 } });
  if (!image.ok) throw new Error(image.error);
  const server = await Lwm2mServer.open({ host: '127.0.0.1', port: 0 });
  const sim = await startLwm2mClientSimulator({ server: { host: '127.0.0.1', port: server.address().port }, endpoint: ENDPOINT, version: '1.1', block1SizeBytes: 1024 });
  const bytesPerSec: number[] = [];
  const rtts: number[] = [];
  const states: number[] = [];
  try {
    await server.waitForRegistration(ENDPOINT, 5000);
    const empty = { format: ContentFormat.OCTET_STREAM, payload: new Uint8Array(0) };
    for (let i = 0; i < rounds; i++) {
      await server.write(ENDPOINT, '/5/0/0', empty);
      const started = performance.now();
      const rsp = await server.write(ENDPOINT, '/5/0/0', { format: ContentFormat.OCTET_STREAM, payload: image.value }, { blockSzx: SZX_1024 });
      const wallMs = performance.now() - started;
      if (rsp.code !== '2.04') throw new Error(`push answered ${rsp.code ?? 'RST'} (${rsp.notes.join('; ')})`);
      bytesPerSec.push((image.value.length / wallMs) * 1000);
      rtts.push(...rsp.exchanges.map((x) => x.rttMs));
      states.push(sim.client.firmware.state);
    }
    await server.write(ENDPOINT, '/5/0/0', empty);
  } finally {
    await sim.stop();
    await server.close();
  }
  const sortedRates = [...bytesPerSec].sort((a, b) => a - b);
  const sortedRtts = [...rtts].sort((a, b) => a - b);
  return {
    blockBytes: 1024, packageBytes: image.value.length, rounds, bytesPerSec,
    medianBytesPerSec: at(sortedRates, 0.5),
    blockRttMs: { p50: at(sortedRtts, 0.5), p95: at(sortedRtts, 0.95), max: sortedRtts.at(-1) ?? Number.NaN },
    states,
  };
}

if (isMainModule(import.meta.url)) process.stdout.write(`${JSON.stringify(await benchFirmwarePush(), null, 2)}\n`);
