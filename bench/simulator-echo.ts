/**
 * Simulator echo throughput: sequential echo round trips (one outstanding request, as a device
 * with 2 buffers allows) over the real UDP socket and the real pseudo-terminal.
 */
import { encodeSmpPacket } from '../src/codec/smp/message.ts';
import type { Transport } from '../src/core/transport.ts';
import { startSimulator } from '../src/simulator/index.ts';
import { SerialTransport } from '../src/transport/serial.ts';
import { UdpTransport } from '../src/transport/udp.ts';

/** How long each transport is measured. */
const MEASURE_MS = 1500;

/** Echo round trips per second over `transport` during MEASURE_MS (after a short warm-up). */
async function echoRate(transport: Transport): Promise<number> {
  let wake: (() => void) | undefined;
  transport.onPacket(() => wake?.());
  const once = (seq: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('echo timed out')), 2000);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
      void transport.send(encodeSmpPacket({ op: 2, group: 0, id: 0, seq: seq & 0xff, body: { d: 'bench' } }));
    });
  for (let i = 0; i < 20; i++) await once(i);
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < MEASURE_MS) await once(count++);
  return Math.round((count * 1000) / (performance.now() - started));
}

/** Simulator echo figures (issue 3), with how they were measured. */
export interface SimulatorEchoFigures {
  method: string;
  measureMs: number;
  /** Echo requests answered per second over the UDP endpoint. */
  udpEchoPerSec: number;
  /** Echo requests answered per second over the pty (no line-rate emulation: pty speed). */
  ptyEchoPerSec: number;
}

/** Echo round trips per second over UDP and over the pty (no line-rate emulation). */
export async function benchSimulatorEcho(): Promise<SimulatorEchoFigures> {
  const sim = await startSimulator({ udp: { port: 0 }, serial: true, consoleText: false });
  try {
    const udp = await UdpTransport.open({ host: sim.udp!.host, port: sim.udp!.port });
    const udpEchoPerSec = await echoRate(udp).finally(() => udp.close());
    const pty = await SerialTransport.open({ path: sim.serialPath!, baudRate: 115200 });
    const ptyEchoPerSec = await echoRate(pty).finally(() => pty.close());
    return { method: 'sequential echo requests (one outstanding) against one in-process simulator, default 2048 × 2 buffers', measureMs: MEASURE_MS, udpEchoPerSec, ptyEchoPerSec };
  } finally {
    await sim.stop();
  }
}
