/**
 * DTLS handshake fragments: the 12-byte header that lets a message span records and datagrams.
 * @see RFC 6347 §4.2.2 (message_seq, fragment_offset, fragment_length), §4.2.3 (fragmentation)
 */
import { concatBytes } from '../../core/bytes.ts';
import type { DecodeFailure, Result } from '../../core/result.ts';
import { DTLS_HANDSHAKE_HEADER_BYTES } from './constants.ts';
import { readWire, uintBytes } from './reader.ts';

/** Largest handshake message accepted; a PSK handshake's messages are a few hundred bytes. */
export const DTLS_MAX_HANDSHAKE_MESSAGE_BYTES = 16384;

/** One handshake fragment as carried in a handshake record. */
export interface HandshakeFragment {
  msgType: number;
  /** Length of the whole message. */
  length: number;
  messageSeq: number;
  fragmentOffset: number;
  body: Uint8Array;
}

/** Encode a fragment; `fragment_length` is the body's length. */
export function encodeHandshakeFragment(f: HandshakeFragment): Uint8Array {
  return concatBytes(
    uintBytes(f.msgType & 0xff, 1),
    uintBytes(f.length, 3),
    uintBytes(f.messageSeq & 0xffff, 2),
    uintBytes(f.fragmentOffset, 3),
    uintBytes(f.body.length, 3),
    f.body,
  );
}

/** Encode a whole message as one unfragmented handshake (the form hashed into the transcript). */
export function encodeHandshakeMessage(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  return encodeHandshakeFragment({ msgType, length: body.length, messageSeq, fragmentOffset: 0, body });
}

/** Split a message into fragments whose encoded size stays within `maxFragmentBytes` (header included). */
export function fragmentHandshakeMessage(msgType: number, messageSeq: number, body: Uint8Array, maxFragmentBytes: number): HandshakeFragment[] {
  const room = Math.max(1, maxFragmentBytes - DTLS_HANDSHAKE_HEADER_BYTES);
  const out: HandshakeFragment[] = [];
  let offset = 0;
  do {
    const piece = body.subarray(offset, offset + room);
    out.push({ msgType, length: body.length, messageSeq, fragmentOffset: offset, body: piece });
    offset += piece.length;
  } while (offset < body.length);
  return out;
}

/**
 * Decode every handshake fragment in one record's plaintext. A fragment must lie inside its
 * message (offset + length ≤ length) and the message within `DTLS_MAX_HANDSHAKE_MESSAGE_BYTES`.
 */
export function decodeHandshakeFragments(plaintext: Uint8Array): Result<HandshakeFragment[], DecodeFailure> {
  return readWire(plaintext, 'invalid', (r) => {
    const out: HandshakeFragment[] = [];
    while (r.remaining > 0) {
      const msgType = r.uint(1, 'handshake type');
      const length = r.uint(3, 'handshake length');
      const messageSeq = r.uint(2, 'message_seq');
      const fragmentOffset = r.uint(3, 'fragment_offset');
      const fragmentLength = r.uint(3, 'fragment_length');
      if (length > DTLS_MAX_HANDSHAKE_MESSAGE_BYTES) r.fail('limit', `handshake length ${length} exceeds ${DTLS_MAX_HANDSHAKE_MESSAGE_BYTES}`, -11);
      if (fragmentOffset + fragmentLength > length) r.fail('invalid', `fragment ${fragmentOffset}+${fragmentLength} beyond message length ${length}`, -6);
      const body = r.take(fragmentLength, 'handshake fragment');
      out.push({ msgType, length, messageSeq, fragmentOffset, body });
    }
    return out;
  });
}
