/**
 * The handshake steps both roles of a plain-PSK DTLS 1.2 association share: the key schedule from
 * the PSK (classic or extended master secret), the switch to the new read keys at the peer's
 * ChangeCipherSpec, and the Finished messages. The server and client connections extend it with
 * their own message order.
 * @see RFC 4279 §2 (PSK premaster), RFC 7627 §4 (session hash), RFC 5246 §7.4.9 (Finished)
 */
import { AlertDescription, HandshakeType } from '../../codec/dtls/constants.ts';
import { decodeFinished } from '../../codec/dtls/messages.ts';
import { bytesEqual } from '../../core/bytes.ts';
import { DtlsConnection } from './connection.ts';
import { ccmKeyBlock, extendedMasterSecret, finishedVerifyData, masterSecret, pskPremasterSecret } from './key-schedule.ts';

/** Key schedule and Finished handling shared by the PSK server and client connections. */
export abstract class PskHandshake extends DtlsConnection {
  /** Negotiated in the hellos: the master secret is derived from the session hash (RFC 7627). */
  protected usesExtendedMasterSecret = false;
  private master: Uint8Array | undefined;
  private expectsChangeCipherSpec = false;

  /**
   * Derive the master secret and the record keys once ClientKeyExchange is in the transcript
   * (RFC 7627 §4: the session hash runs up to and including it), and wait for the peer's
   * ChangeCipherSpec.
   */
  protected installPskKeys(psk: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): void {
    const premaster = pskPremasterSecret(psk);
    this.master = this.usesExtendedMasterSecret
      ? extendedMasterSecret(premaster, this.transcriptHash())
      : masterSecret(premaster, clientRandom, serverRandom);
    this.records.setKeys(ccmKeyBlock(this.master, clientRandom, serverRandom));
    this.expectsChangeCipherSpec = true;
  }

  /** The peer's ChangeCipherSpec, in its place: from now on only epoch-1 records are read. */
  protected abstract onPeerChangeCipherSpec(): void;

  protected override onChangeCipherSpec(): void {
    // Early (the message before it was lost) or repeated: ignore it; the peer's retransmission
    // brings the flight again in order.
    if (!this.expectsChangeCipherSpec) return;
    this.expectsChangeCipherSpec = false;
    this.records.activateRead();
    this.onPeerChangeCipherSpec();
  }

  /**
   * Check the peer's Finished (just received, so left out of the hash it covers); on a mismatch
   * the association ends with decrypt_error and false is returned.
   */
  protected verifyPeerFinished(body: Uint8Array, peer: 'client' | 'server'): boolean {
    const verifyData = decodeFinished(body);
    if (!verifyData.ok) {
      this.fail(AlertDescription.decode_error, `Finished: ${verifyData.error.message}`);
      return false;
    }
    if (!bytesEqual(finishedVerifyData(this.master!, peer, this.transcriptHash(true)), verifyData.value)) {
      this.fail(AlertDescription.decrypt_error, `${peer} Finished verify_data does not match`);
      return false;
    }
    return true;
  }

  /** Queue our ChangeCipherSpec and Finished (over the transcript so far). */
  protected queueChangeCipherSpecAndFinished(own: 'client' | 'server'): void {
    this.queueChangeCipherSpec();
    this.queueHandshake(HandshakeType.finished, finishedVerifyData(this.master!, own, this.transcriptHash()));
  }
}
