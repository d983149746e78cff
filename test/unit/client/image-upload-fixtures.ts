/**
 * Test parts for the upload engine: MCUboot images built with the project's signer, and a client
 * on the real simulator over UDP or its pseudo-terminal.
 */
import { SmpClient } from '../../../src/client/smp-client.ts';
import { signMcubootImage, type ImageVersion } from '../../../src/codec/image/index.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator/index.ts';
import { SerialTransport } from '../../../src/transport/serial.ts';
import { UdpTransport } from '../../../src/transport/udp.ts';

/** A hash-only image with a deterministic body of `bodyBytes`. */
export function testImage(bodyBytes: number, version: ImageVersion = { major: 2, minor: 0, revision: 0, build: 0 }, salt = 0): Uint8Array {
  const payload = Uint8Array.from({ length: bodyBytes }, (_, i) => (i * 13 + salt + (i >> 9)) & 0xff);
  const image = signMcubootImage({ payload, version });
  if (!image.ok) throw new Error(image.error);
  return image.value;
}

/** A simulator plus an SMP client on it. */
export interface SimClient {
  sim: RunningSimulator;
  client: SmpClient;
  /** Every request packet the client sent (from its trace), in order. */
  sentPackets(): Uint8Array[];
  close(): Promise<void>;
}

/** Start a simulator and connect over `via`. */
export async function simClient(via: 'udp' | 'serial', options: SimulatorOptions = {}): Promise<SimClient> {
  const sim = await startSimulator({ udp: via === 'udp' ? { port: 0 } : false, serial: via === 'serial', consoleText: false, ...options });
  const transport =
    via === 'udp'
      ? await UdpTransport.open({ host: sim.udp!.host, port: sim.udp!.port })
      : await SerialTransport.open({ path: sim.serialPath!, baudRate: 115200 });
  const client = new SmpClient(transport, { timeoutMs: 2000 });
  return {
    sim,
    client,
    sentPackets: () => client.trace.entries.filter((e) => e.direction === 'out').map((e) => Uint8Array.from(Buffer.from(e.hex, 'hex'))),
    close: async () => {
      await client.close();
      await sim.stop();
    },
  };
}
