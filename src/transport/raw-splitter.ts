/**
 * Splits an unframed byte stream (raw UART SMP) into packets by the SMP header's length field.
 * A partial packet older than the inter-byte timeout is dropped, as Zephyr's raw UART transport
 * does with `CONFIG_MCUMGR_TRANSPORT_RAW_UART_INPUT_TIMEOUT`.
 * @see docs/spec/smp.md §4.5
 */
import { SMP_HEADER_BYTES } from '../codec/smp/constants.ts';

/** What one `push` produced: whole packets, and the stale partial packet dropped first (if any). */
export interface RawSplitResult {
  packets: Uint8Array[];
  dropped: Uint8Array | undefined;
}

/** Largest raw packet: header plus the 16-bit length field's maximum. */
const MAX_RAW_PACKET_BYTES = SMP_HEADER_BYTES + 0xffff;

/**
 * Incremental splitter; never throws, holds at most one packet's bytes.
 * @see docs/spec/smp.md §4.5
 */
export class RawPacketSplitter {
  private readonly interByteTimeoutMs: number;
  private readonly buffer = new Uint8Array(MAX_RAW_PACKET_BYTES);
  private length = 0;
  private lastByteAtMs = 0;

  constructor(options: { interByteTimeoutMs?: number } = {}) {
    this.interByteTimeoutMs = options.interByteTimeoutMs ?? 250;
  }

  /** Bytes held as a partial packet. */
  get pendingBytes(): number {
    return this.length;
  }

  /** Feed bytes received at `nowMs` (monotonic milliseconds). */
  push(chunk: Uint8Array, nowMs: number): RawSplitResult {
    let dropped: Uint8Array | undefined;
    if (this.length > 0 && nowMs - this.lastByteAtMs > this.interByteTimeoutMs) {
      dropped = this.buffer.slice(0, this.length);
      this.length = 0;
    }
    if (chunk.length > 0) this.lastByteAtMs = nowMs;
    const packets: Uint8Array[] = [];
    let at = 0;
    while (at < chunk.length) {
      const want = this.wantedBytes();
      const take = Math.min(want - this.length, chunk.length - at);
      this.buffer.set(chunk.subarray(at, at + take), this.length);
      this.length += take;
      at += take;
      if (this.length === this.wantedBytes()) {
        packets.push(this.buffer.slice(0, this.length));
        this.length = 0;
      }
    }
    return { packets, dropped };
  }

  /** Forget any partial packet. */
  reset(): void {
    this.length = 0;
  }

  /** Bytes needed for the packet in progress: the header first, then header + its length field. */
  private wantedBytes(): number {
    if (this.length < SMP_HEADER_BYTES) return SMP_HEADER_BYTES;
    return SMP_HEADER_BYTES + ((this.buffer[2]! << 8) | this.buffer[3]!);
  }
}
