/**
 * A hand-written CoAP peer for endpoint tests: a plain `node:dgram` socket on loopback plus the
 * codec, playing the device. It records every datagram with its arrival time.
 */
import { createSocket, type Socket } from 'node:dgram';
import { decodeCoap, encodeCoap, type CoapMessage } from '../../../src/codec/coap/message.ts';
import type { DatagramPeer } from '../../../src/core/transport.ts';
import { CoapEndpoint, type CoapEndpointOptions } from '../../../src/client/coap-endpoint.ts';

export interface PeerDatagram {
  message: CoapMessage;
  bytes: Uint8Array;
  atMs: number;
}

export class CoapTestPeer {
  readonly received: PeerDatagram[] = [];
  #waiters: (() => void)[] = [];
  #taken = 0;
  #auto: ((d: PeerDatagram) => CoapMessage | Uint8Array | undefined) | undefined;

  private constructor(readonly socket: Socket, readonly address: DatagramPeer, readonly target: DatagramPeer) {
    socket.on('message', (msg) => {
      const bytes = new Uint8Array(msg);
      const d = decodeCoap(bytes);
      if (!d.ok) throw new Error(`peer received undecodable bytes: ${d.error.message}`);
      const entry = { message: d.value, bytes, atMs: performance.now() };
      this.received.push(entry);
      const reply = this.#auto?.(entry);
      if (reply) this.send(reply);
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async open(target: DatagramPeer): Promise<CoapTestPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    return new CoapTestPeer(socket, { address: '127.0.0.1', port: socket.address().port, family: 'IPv4' }, target);
  }

  /** Answer every datagram automatically (return undefined to stay silent). */
  serve(reply: (d: PeerDatagram) => CoapMessage | Uint8Array | undefined): void {
    this.#auto = reply;
  }

  send(m: CoapMessage | Uint8Array): void {
    const bytes = m instanceof Uint8Array ? m : encodeCoap(m);
    this.socket.send(bytes, this.target.port, this.target.address);
  }

  /** The next datagram not yet taken. */
  next(timeoutMs = 2000): Promise<PeerDatagram> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`peer: nothing within ${timeoutMs} ms`)), timeoutMs);
      const check = (): void => {
        const d = this.received[this.#taken];
        if (!d) return void this.#waiters.push(check);
        this.#taken++;
        clearTimeout(timer);
        resolve(d);
      };
      check();
    });
  }

  /** Resolve when nothing more arrives for `ms`; returns what did arrive meanwhile. */
  async quiet(ms: number): Promise<PeerDatagram[]> {
    const start = this.received.length;
    await new Promise((r) => setTimeout(r, ms));
    const extra = this.received.slice(start);
    this.#taken = this.received.length;
    return extra;
  }

  close(): void {
    this.socket.close();
  }
}

/** Shorthand for a message with defaults. */
export function msg(m: Partial<CoapMessage> & Pick<CoapMessage, 'type' | 'code' | 'messageId'>): CoapMessage {
  return { token: new Uint8Array(0), options: [], payload: new Uint8Array(0), ...m };
}

/** An endpoint on an ephemeral loopback port with a peer aimed at it; `close` ends both. */
export async function openPair(options: CoapEndpointOptions): Promise<{ endpoint: CoapEndpoint; peer: CoapTestPeer; close: () => Promise<void> }> {
  const endpoint = await CoapEndpoint.open({ host: '127.0.0.1', port: 0 }, options);
  const peer = await CoapTestPeer.open(endpoint.address());
  return {
    endpoint,
    peer,
    close: async () => {
      peer.close();
      await endpoint.close();
    },
  };
}
