/**
 * Test parts for the simulator: a raw link over the real UDP socket or the real pty (through the
 * project's transports), request builders, and response readers. Raw on purpose: several fault
 * profiles break exactly what a client matches on (seq, op, length).
 */
import { decodeCbor, isCborMap, type CborValue } from '../../../src/codec/cbor/cbor.ts';
import { decodeSmpHeader, type SmpHeader } from '../../../src/codec/smp/header.ts';
import { encodeSmpPacket } from '../../../src/codec/smp/message.ts';
import type { LinkEvent, Transport } from '../../../src/core/transport.ts';
import { SerialTransport } from '../../../src/transport/serial.ts';
import { UdpTransport } from '../../../src/transport/udp.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/simulator/index.ts';

/** A raw packet link to a running simulator. */
export class SimLink {
  readonly packets: Uint8Array[] = [];
  readonly events: LinkEvent[] = [];
  readonly #transport: Transport;
  #wake: (() => void) | undefined;

  private constructor(transport: Transport) {
    this.#transport = transport;
    transport.onPacket((p) => {
      this.packets.push(p);
      this.#wake?.();
    });
    transport.onEvent((e) => this.events.push(e));
  }

  /** Link over UDP (IPv4 or IPv6 endpoint). */
  static async udp(sim: RunningSimulator, which: 'udp' | 'udp6' = 'udp'): Promise<SimLink> {
    const ep = sim[which];
    if (ep === undefined) throw new Error(`simulator has no ${which} endpoint`);
    return new SimLink(await UdpTransport.open({ host: ep.host, port: ep.port, maxPacketBytes: 65000 }));
  }

  /** Link over the simulator's pty (framed, Zephyr-style lines). */
  static async serial(sim: RunningSimulator, baudRate = 115200): Promise<SimLink> {
    if (sim.serialPath === undefined) throw new Error('simulator has no serial endpoint');
    return new SimLink(await SerialTransport.open({ path: sim.serialPath, baudRate, lineGapMs: 0 }));
  }

  /** Send one packet through the transport's framing. */
  send(packet: Uint8Array): Promise<void> {
    return this.#transport.send(packet);
  }

  /** Send bytes exactly as given. */
  sendRaw(bytes: Uint8Array): Promise<void> {
    return this.#transport.sendRaw(bytes);
  }

  /** Wait until `count` packets have arrived (since the last `take`), or the timeout; return and clear them. */
  async take(count = 1, timeoutMs = 1500): Promise<Uint8Array[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.packets.length < count && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    this.#wake = undefined;
    return this.packets.splice(0);
  }

  /** Send one packet and return the single response (undefined on silence). */
  async ask(packet: Uint8Array, timeoutMs = 1500): Promise<Uint8Array | undefined> {
    this.packets.length = 0;
    await this.send(packet);
    return (await this.take(1, timeoutMs))[0];
  }

  /** Send and collect everything that arrives within `waitMs`. */
  async collect(packet: Uint8Array, waitMs: number, options: { raw?: boolean } = {}): Promise<Uint8Array[]> {
    this.packets.length = 0;
    await (options.raw === true ? this.sendRaw(packet) : this.send(packet));
    await new Promise((r) => setTimeout(r, waitMs));
    return this.packets.splice(0);
  }

  close(): Promise<void> {
    return this.#transport.close();
  }
}

/** A request packet (v2 by default, definite-length body as the capture script sent). */
export function req(op: number, group: number, id: number, body: unknown = {}, options: { seq?: number; version?: number } = {}): Uint8Array {
  return encodeSmpPacket({ op, group, id, body, seq: options.seq ?? 1, version: options.version ?? 1 });
}

/** A request with a raw (possibly malformed) CBOR payload and an honest length field. */
export function rawReq(op: number, group: number, id: number, payload: Uint8Array, options: { seq?: number; version?: number } = {}): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  out.set([((options.version ?? 1) << 3) | op, 0, payload.length >> 8, payload.length & 0xff, group >> 8, group & 0xff, options.seq ?? 1, id]);
  out.set(payload, 8);
  return out;
}

/** Header of a response (throws on < 8 bytes: a test bug). */
export function header(packet: Uint8Array | undefined): SmpHeader {
  if (packet === undefined) throw new Error('no response');
  const h = decodeSmpHeader(packet);
  if (!h.ok) throw new Error(h.error.message);
  return h.value;
}

/** Body of a response as a plain object. */
export function body(packet: Uint8Array | undefined): Record<string, CborValue> {
  if (packet === undefined) throw new Error('no response');
  const v = decodeCbor(packet.subarray(8));
  if (!v.ok || !isCborMap(v.value)) throw new Error(`response body is not a map: ${v.ok ? typeof v.value : v.error.message}`);
  return plain(v.value) as Record<string, CborValue>;
}

/** Buffers (what cbor-x returns) as plain Uint8Arrays, so `toEqual` compares bytes only. */
function plain(v: CborValue): CborValue {
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (Array.isArray(v)) return v.map(plain);
  if (isCborMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** Start a simulator on an ephemeral UDP port (plus whatever else is asked) and a link to it. */
export async function udpSim(options: SimulatorOptions = {}): Promise<{ sim: RunningSimulator; link: SimLink; done: () => Promise<void> }> {
  const sim = await startSimulator({ udp: { port: 0 }, ...options });
  const link = await SimLink.udp(sim);
  return { sim, link, done: async () => { await link.close(); await sim.stop(); } };
}
