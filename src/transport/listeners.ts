/** Listener bookkeeping shared by the transports (packets and link events). */
import { nowNs } from '../core/clock.ts';
import type { LinkEvent, LinkEventListener, PacketListener } from '../core/transport.ts';

/** Holds a transport's packet and event subscribers; a throwing listener never breaks delivery to the others. */
export class TransportListeners {
  private readonly packetListeners = new Set<PacketListener>();
  private readonly eventListeners = new Set<LinkEventListener>();
  /**
   * The packet listeners as they were when delivery of a packet starts, rebuilt only when one
   * subscribes or leaves: a listener added or removed during a delivery takes effect from the
   * next packet, and delivering a packet copies nothing.
   */
  private packetSnapshot: readonly PacketListener[] = [];

  /** Subscribe to packets; returns an unsubscribe function. */
  onPacket(listener: PacketListener): () => void {
    this.packetListeners.add(listener);
    this.packetSnapshot = [...this.packetListeners];
    return () => {
      if (this.packetListeners.delete(listener)) this.packetSnapshot = [...this.packetListeners];
    };
  }

  /** Subscribe to link events; returns an unsubscribe function. */
  onEvent(listener: LinkEventListener): () => void {
    this.eventListeners.add(listener);
    return () => {
      this.eventListeners.delete(listener);
    };
  }

  /** Deliver one received packet to every subscriber. */
  emitPacket(packet: Uint8Array, atNs: bigint = nowNs()): void {
    const listeners = this.packetSnapshot;
    for (let i = 0; i < listeners.length; i++) {
      const listener = listeners[i]!;
      try {
        listener(packet, atNs);
      } catch (error) {
        this.emitEvent({ kind: 'listener-error', message: `packet listener threw: ${String(error)}` });
      }
    }
  }

  /** Deliver one link event to every subscriber; `atNs` defaults to now. */
  emitEvent(event: Omit<LinkEvent, 'atNs'> & { atNs?: bigint }): void {
    const full: LinkEvent = { ...event, atNs: event.atNs ?? nowNs() };
    for (const listener of [...this.eventListeners]) {
      try {
        listener(full);
      } catch {
        // An event listener that throws has nowhere to report to; dropping keeps the link alive.
      }
    }
  }

  /** Forget every subscriber (on close). */
  clear(): void {
    this.packetListeners.clear();
    this.packetSnapshot = [];
    this.eventListeners.clear();
  }
}
