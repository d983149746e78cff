/**
 * Handshake reassembly: fragments arrive in any order, possibly duplicated; messages leave in
 * message_seq order, each exactly once.
 * @see RFC 6347 §4.2.2 (message_seq), §4.2.3 (fragment reassembly)
 */
import type { HandshakeFragment } from '../../codec/dtls/handshake.ts';

/** A reassembled handshake message. */
export interface HandshakeMessage {
  msgType: number;
  messageSeq: number;
  body: Uint8Array;
}

/** How many messages ahead of the next expected one are buffered (bounds memory per peer). */
const MAX_MESSAGES_AHEAD = 4;

interface Partial {
  msgType: number;
  body: Uint8Array;
  /** One flag per body byte: 1 = received. */
  have: Uint8Array;
  missing: number;
}

/** Collects fragments and yields complete messages in order. */
export class HandshakeReassembler {
  private next: number;
  private readonly partials = new Map<number, Partial>();

  constructor(firstMessageSeq = 0) {
    this.next = firstMessageSeq;
  }

  /** The message_seq expected next. */
  get nextMessageSeq(): number {
    return this.next;
  }

  /**
   * Take one fragment. `old` = it belongs to a message already delivered (the peer is
   * retransmitting its flight); `ignored` = too far ahead or inconsistent with earlier fragments.
   */
  push(f: HandshakeFragment): 'old' | 'accepted' | 'ignored' {
    if (f.messageSeq < this.next) return 'old';
    if (f.messageSeq > this.next + MAX_MESSAGES_AHEAD) return 'ignored';
    let partial = this.partials.get(f.messageSeq);
    if (!partial) {
      partial = { msgType: f.msgType, body: new Uint8Array(f.length), have: new Uint8Array(f.length), missing: f.length };
      this.partials.set(f.messageSeq, partial);
    }
    if (partial.msgType !== f.msgType || partial.body.length !== f.length) return 'ignored';
    for (let i = 0; i < f.body.length; i++) {
      const at = f.fragmentOffset + i;
      if (partial.have[at]) continue;
      partial.have[at] = 1;
      partial.body[at] = f.body[i]!;
      partial.missing--;
    }
    return 'accepted';
  }

  /** The next complete message in order, if it is complete. */
  pop(): HandshakeMessage | undefined {
    const partial = this.partials.get(this.next);
    if (!partial || partial.missing > 0) return undefined;
    this.partials.delete(this.next);
    const message = { msgType: partial.msgType, messageSeq: this.next, body: partial.body };
    this.next++;
    return message;
  }
}
