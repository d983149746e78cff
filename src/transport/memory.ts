/** Two connected in-memory transports for unit tests: what one sends, the other receives. */
import { TransportClosedError } from '../errors.ts';
import type { LinkEventListener, PacketListener, Transport } from '../core/transport.ts';
import { TransportListeners } from './listeners.ts';

class MemoryTransport implements Transport {
  readonly kind = 'memory';
  readonly maxPacketBytes: number | undefined = undefined;
  readonly description: string;
  peer: MemoryTransport | undefined;
  private readonly listeners = new TransportListeners();
  private closed = false;

  constructor(name: string) {
    this.description = `memory://${name}`;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(packet: Uint8Array): Promise<void> {
    return this.sendRaw(packet);
  }

  sendRaw(bytes: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new TransportClosedError(`${this.description} is closed`));
    const copy = bytes.slice();
    const peer = this.peer;
    // Delivered on a later tick, as a real link would: callers must not rely on synchronous replies.
    setImmediate(() => peer?.deliver(copy));
    return Promise.resolve();
  }

  onPacket(listener: PacketListener): () => void {
    return this.listeners.onPacket(listener);
  }

  onEvent(listener: LinkEventListener): () => void {
    return this.listeners.onEvent(listener);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.listeners.clear();
    }
    return Promise.resolve();
  }

  private deliver(bytes: Uint8Array): void {
    if (!this.closed) this.listeners.emitPacket(bytes);
  }
}

/** Create two connected in-memory transports (`[client, device]`); delivery is asynchronous and in order. */
export function createMemoryTransportPair(): [Transport, Transport] {
  const a = new MemoryTransport('a');
  const b = new MemoryTransport('b');
  a.peer = b;
  b.peer = a;
  return [a, b];
}
