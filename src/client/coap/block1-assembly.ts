/**
 * Reassembly of request bodies a peer sends in Block1 blocks (RFC 7959 §2.3): blocks are
 * collected per (peer, method, Uri-Path) and acknowledged with 2.31 Continue; the handler sees
 * the whole body once the last block arrives. A block out of sequence answers 4.08.
 * @see docs/spec/lwm2m.md §1.8
 */
import { concatBytes } from '../../core/bytes.ts';
import type { DatagramPeer } from '../../core/transport.ts';
import { blockOption, uriPath } from '../../codec/coap/access.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import { blockSize, encodeBlockValue, type BlockValue } from '../../codec/coap/values.ts';
import type { CoapResponseSpec } from './router.ts';

/** What to do with one request carrying Block1. */
export type Block1Step =
  | { kind: 'reply'; response: CoapResponseSpec }
  | { kind: 'complete'; message: CoapMessage; block: BlockValue };

interface Transfer {
  parts: Uint8Array[];
  received: number;
  startedMs: number;
}

/** The Block1 option echoing `block` (for 2.31 and for the final response). */
export function block1Echo(block: BlockValue): { number: number; value: Uint8Array } {
  return { number: CoapOption.BLOCK1, value: encodeBlockValue(block) };
}

/** Transfers in progress, forgotten after `lifetimeMs` without a block. */
export class Block1Assembly {
  readonly #transfers = new Map<string, Transfer>();
  readonly #lifetimeMs: number;
  readonly #maxBodyBytes: number;

  constructor(lifetimeMs: number, maxBodyBytes = 16 * 1024 * 1024) {
    this.#lifetimeMs = lifetimeMs;
    this.#maxBodyBytes = maxBodyBytes;
  }

  /** Feed one request; undefined when it carries no Block1 option. */
  step(m: CoapMessage, peer: DatagramPeer, nowMs: number): Block1Step | undefined {
    const b1 = blockOption(m, CoapOption.BLOCK1);
    if (!b1) return undefined;
    if (!b1.ok) return { kind: 'reply', response: { code: '4.00', payload: new TextEncoder().encode(b1.error) } };
    const block = b1.value;
    const key = `${peer.address}|${peer.port}|${m.code}|${uriPath(m).join('/')}`;
    const offset = block.num * blockSize(block.szx);
    let t = this.#transfers.get(key);
    if (t && nowMs - t.startedMs > this.#lifetimeMs) t = undefined;
    if (block.num === 0) t = { parts: [], received: 0, startedMs: nowMs };
    if (!t || offset !== t.received) {
      this.#transfers.delete(key);
      return { kind: 'reply', response: { code: '4.08' } };
    }
    if (block.more && m.payload.length !== blockSize(block.szx)) {
      this.#transfers.delete(key);
      return { kind: 'reply', response: { code: '4.00', payload: new TextEncoder().encode(`block ${block.num}: ${m.payload.length} bytes with M=1, size ${blockSize(block.szx)}`) } };
    }
    if (t.received + m.payload.length > this.#maxBodyBytes) {
      this.#transfers.delete(key);
      return { kind: 'reply', response: { code: '4.13' } };
    }
    t.parts.push(m.payload);
    t.received += m.payload.length;
    t.startedMs = nowMs;
    if (block.more) {
      this.#transfers.set(key, t);
      return { kind: 'reply', response: { code: '2.31', options: [block1Echo(block)] } };
    }
    this.#transfers.delete(key);
    const options = m.options.filter((o) => o.number !== CoapOption.BLOCK1 && o.number !== CoapOption.SIZE1);
    return { kind: 'complete', message: { ...m, options, payload: concatBytes(...t.parts) }, block };
  }
}
