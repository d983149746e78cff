/**
 * One DTLS 1.2 association, either role: records in and out, handshake reassembly and transcript,
 * flights with retransmission, alerts, application data. The role-specific handshake steps live
 * in the server and client subclasses.
 * @see RFC 6347 §4.2.4 (timeout and retransmission), RFC 5246 §7.2 (alerts)
 */
import { concatBytes } from '../../core/bytes.ts';
import { AlertDescription, AlertLevel, ContentType, DTLS_RECORD_HEADER_BYTES, HandshakeType } from '../../codec/dtls/constants.ts';
import { decodeDtlsAlert, dtlsAlertName, encodeDtlsAlert } from '../../codec/dtls/alert.ts';
import { decodeHandshakeFragments, encodeHandshakeFragment, encodeHandshakeMessage, fragmentHandshakeMessage } from '../../codec/dtls/handshake.ts';
import { splitDtlsDatagram } from '../../codec/dtls/record.ts';
import { sha256 } from './key-schedule.ts';
import { DEFAULT_MAX_DATAGRAM_BYTES, DEFAULT_RETRANSMIT, type DtlsCloseReason, type DtlsConnectionOptions, type RetransmitOptions } from './options.ts';
import { HandshakeReassembler, type HandshakeMessage } from './reassembly.ts';
import { RecordLayer } from './record-layer.ts';
import { CCM_8_TAG_BYTES, CCM_EXPLICIT_NONCE_BYTES } from './record-protection.ts';

/** Where a connection sends datagrams and reports what happens. */
export interface ConnectionSink {
  sendDatagram(datagram: Uint8Array): void;
  onEstablished(): void;
  onApplicationData(data: Uint8Array): void;
  onClosed(reason: DtlsCloseReason): void;
}

/** A record of a flight, kept as plaintext so every retransmission is sealed with a fresh sequence number. */
interface FlightRecord {
  type: number;
  epoch: number;
  plaintext: Uint8Array;
}

/** States both roles share; subclasses keep their own handshake step. */
export type ConnectionPhase = 'handshaking' | 'established' | 'closed';

/** The shared association machinery. */
export abstract class DtlsConnection {
  protected readonly records: RecordLayer;
  protected reassembler = new HandshakeReassembler();
  protected phase: ConnectionPhase = 'handshaking';
  private transcript: Uint8Array[] = [];
  private nextWriteMessageSeq = 0;
  private pending: FlightRecord[] = [];
  private lastFlight: FlightRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private transmissions = 0;
  private readonly retransmit: RetransmitOptions;
  protected readonly maxDatagramBytes: number;

  constructor(
    role: 'client' | 'server',
    protected readonly sink: ConnectionSink,
    options: DtlsConnectionOptions = {},
  ) {
    this.records = new RecordLayer(role);
    this.retransmit = { ...DEFAULT_RETRANSMIT, ...options.retransmit };
    this.maxDatagramBytes = options.maxDatagramBytes ?? DEFAULT_MAX_DATAGRAM_BYTES;
  }

  /** Whether the handshake finished and the association is open. */
  get isEstablished(): boolean {
    return this.phase === 'established';
  }

  get isClosed(): boolean {
    return this.phase === 'closed';
  }

  /** A handshake message arrived in order (already added to the transcript, except HelloVerifyRequest). */
  protected abstract onHandshakeMessage(message: HandshakeMessage): void;
  /** The peer's ChangeCipherSpec arrived. */
  protected abstract onChangeCipherSpec(): void;

  /** Process one datagram from the peer. */
  receiveDatagram(datagram: Uint8Array): void {
    let peerRetransmitted = false;
    for (const record of splitDtlsDatagram(datagram).records) {
      if (this.phase === 'closed') return;
      const opened = this.records.read(record);
      if (opened.kind === 'dropped') {
        this.onDroppedRecord(opened.reason, record.epoch);
        continue;
      }
      if (opened.epoch < this.records.currentReadEpoch) {
        peerRetransmitted = this.isRetransmittedPlaintext(opened.type, opened.plaintext) || peerRetransmitted;
        continue;
      }
      if (opened.type === ContentType.handshake) peerRetransmitted = this.onHandshakeRecord(opened.plaintext) || peerRetransmitted;
      else if (opened.type === ContentType.change_cipher_spec) this.onChangeCipherSpecRecord(opened.plaintext, opened.epoch);
      else if (opened.type === ContentType.alert) this.onAlertRecord(opened.plaintext);
      else if (opened.type === ContentType.application_data && opened.epoch === 1 && this.phase === 'established') {
        this.sink.onApplicationData(opened.plaintext);
      }
    }
    // The peer resending a flight we already answered means our answer was lost (RFC 6347 §4.2.4).
    if (peerRetransmitted && this.phase !== 'closed') this.transmitFlight(this.lastFlight);
  }

  /**
   * During the handshake, a record under the new keys that fails authentication means the peer
   * derived other keys: a wrong PSK. Refuse with decrypt_error (RFC 4279 §2) instead of waiting
   * for a Finished that can never verify. Once established, bad records are dropped (RFC 6347 §4.1.2.7).
   */
  private onDroppedRecord(reason: string, epoch: number): void {
    if (reason === 'bad-record-mac' && epoch === 1 && this.phase === 'handshaking') {
      this.fail(AlertDescription.decrypt_error, 'a record under the negotiated keys failed authentication (wrong pre-shared key?)');
    }
  }

  /**
   * An epoch-0 record after the peer's ChangeCipherSpec is unauthenticated: it can only be a copy
   * of the peer's last flight (then answered with ours), never an alert or a new message that
   * could end or steer the association.
   */
  private isRetransmittedPlaintext(type: number, plaintext: Uint8Array): boolean {
    if (type !== ContentType.handshake) return false;
    const fragments = decodeHandshakeFragments(plaintext);
    return fragments.ok && fragments.value.some((f) => f.messageSeq < this.reassembler.nextMessageSeq);
  }

  /** Returns true when the record repeated a message already received. */
  private onHandshakeRecord(plaintext: Uint8Array): boolean {
    const fragments = decodeHandshakeFragments(plaintext);
    if (!fragments.ok) {
      this.fail(AlertDescription.decode_error, `handshake record: ${fragments.error.message}`);
      return false;
    }
    let old = false;
    for (const fragment of fragments.value) {
      if (this.reassembler.push(fragment) === 'old') old = true;
    }
    for (let message = this.reassembler.pop(); message; message = this.reassembler.pop()) {
      if (this.phase === 'closed') break;
      if (message.msgType !== HandshakeType.hello_verify_request) {
        this.transcript.push(encodeHandshakeMessage(message.msgType, message.messageSeq, message.body));
      }
      this.onHandshakeMessage(message);
    }
    return old;
  }

  private onChangeCipherSpecRecord(plaintext: Uint8Array, epoch: number): void {
    if (epoch !== 0) return; // a ChangeCipherSpec under the new keys means nothing in DTLS 1.2
    if (plaintext.length !== 1 || plaintext[0] !== 1) {
      this.fail(AlertDescription.decode_error, 'ChangeCipherSpec body is not the single byte 1');
      return;
    }
    this.onChangeCipherSpec();
  }

  private onAlertRecord(plaintext: Uint8Array): void {
    const alert = decodeDtlsAlert(plaintext);
    if (!alert.ok) return;
    const { level, description } = alert.value;
    if (description === AlertDescription.close_notify) {
      if (this.phase === 'established') this.writeAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.teardown({ kind: 'close-notify-received' });
    } else if (level === AlertLevel.fatal) {
      this.teardown({ kind: 'alert-received', level, description, name: dtlsAlertName(description) });
    }
  }

  /** Hash of the transcript; `excludingLast` leaves out the message just received (for its Finished check). */
  protected transcriptHash(excludingLast = false): Uint8Array {
    const parts = excludingLast ? this.transcript.slice(0, -1) : this.transcript;
    return sha256(concatBytes(...parts));
  }

  /** Add a message that arrived outside the reassembler (the ClientHello a server starts from). */
  protected appendToTranscript(message: HandshakeMessage): void {
    this.transcript.push(encodeHandshakeMessage(message.msgType, message.messageSeq, message.body));
  }

  /** Drop the transcript (a client after HelloVerifyRequest: RFC 6347 §4.2.1 leaves CH1 and HVR out). */
  protected resetTranscript(): void {
    this.transcript = [];
  }

  /** Set the message_seq of our next handshake message (a stateless server answers with the ClientHello's). */
  protected setNextWriteMessageSeq(seq: number): void {
    this.nextWriteMessageSeq = seq;
  }

  /** Queue a handshake message into the current flight (and the transcript). */
  protected queueHandshake(msgType: number, body: Uint8Array, options: { inTranscript?: boolean } = {}): void {
    const messageSeq = this.nextWriteMessageSeq++;
    if (options.inTranscript ?? true) this.transcript.push(encodeHandshakeMessage(msgType, messageSeq, body));
    const epoch = this.records.currentWriteEpoch;
    const overhead = DTLS_RECORD_HEADER_BYTES + (epoch === 0 ? 0 : CCM_EXPLICIT_NONCE_BYTES + CCM_8_TAG_BYTES);
    for (const fragment of fragmentHandshakeMessage(msgType, messageSeq, body, this.maxDatagramBytes - overhead)) {
      this.pending.push({ type: ContentType.handshake, epoch, plaintext: encodeHandshakeFragment(fragment) });
    }
  }

  /** Queue ChangeCipherSpec; messages queued after it go out in epoch 1. */
  protected queueChangeCipherSpec(): void {
    this.pending.push({ type: ContentType.change_cipher_spec, epoch: this.records.currentWriteEpoch, plaintext: Uint8Array.of(1) });
    this.records.activateWrite();
  }

  /** Send the queued flight; when a reply flight is expected, retransmit it on the doubling timer. */
  protected sendFlight(expectsReply: boolean): void {
    this.lastFlight = this.pending;
    this.pending = [];
    this.transmissions = 1;
    this.stopTimer();
    this.transmitFlight(this.lastFlight);
    if (expectsReply) this.armTimer(this.retransmit.initialTimeoutMs);
  }

  private armTimer(timeoutMs: number): void {
    this.stopTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.transmissions >= this.retransmit.maxTransmissions) {
        this.teardown({ kind: 'handshake-timeout', transmissions: this.transmissions });
        return;
      }
      this.transmissions++;
      this.transmitFlight(this.lastFlight);
      this.armTimer(Math.min(timeoutMs * 2, this.retransmit.maxTimeoutMs));
    }, timeoutMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Seal the flight's records and pack them into as few datagrams as fit. */
  private transmitFlight(flight: FlightRecord[]): void {
    if (flight.length === 0) return;
    let datagram: Uint8Array[] = [];
    let size = 0;
    for (const r of flight) {
      const bytes = this.records.write(r.type, r.plaintext, r.epoch);
      if (size > 0 && size + bytes.length > this.maxDatagramBytes) {
        this.sink.sendDatagram(concatBytes(...datagram));
        datagram = [];
        size = 0;
      }
      datagram.push(bytes);
      size += bytes.length;
    }
    if (datagram.length > 0) this.sink.sendDatagram(concatBytes(...datagram));
  }

  /**
   * The peer's answer proves our last flight arrived: forget it, so a late copy of the peer's
   * flight is not answered (the receiver of the final flight never retransmits, RFC 6347 §4.2.4;
   * answering would bounce copies between the two ends).
   */
  protected flightAcknowledged(): void {
    this.stopTimer();
    this.lastFlight = [];
  }

  /** The handshake completed on our side. */
  protected markEstablished(): void {
    this.stopTimer();
    this.phase = 'established';
    this.sink.onEstablished();
  }

  /** Send application data as one record (one datagram). */
  sendApplicationData(data: Uint8Array): void {
    if (this.phase !== 'established') throw new Error(`cannot send application data while ${this.phase}`);
    this.sink.sendDatagram(this.records.write(ContentType.application_data, data));
  }

  private writeAlert(level: number, description: number): void {
    this.sink.sendDatagram(this.records.write(ContentType.alert, encodeDtlsAlert({ level, description })));
  }

  /** Send a fatal alert and end the association. */
  protected fail(description: number, detail: string): void {
    if (this.phase === 'closed') return;
    this.writeAlert(AlertLevel.fatal, description);
    this.teardown({ kind: 'alert-sent', description, name: dtlsAlertName(description), detail });
  }

  /** Send close_notify (when open) and end the association. Idempotent. */
  close(): void {
    if (this.phase === 'closed') return;
    if (this.phase === 'established') this.writeAlert(AlertLevel.warning, AlertDescription.close_notify);
    this.teardown({ kind: 'closed-locally' });
  }

  /** End the association without sending anything (idle expiry, replaced by a new handshake). */
  drop(): void {
    this.teardown({ kind: 'closed-locally' });
  }

  private teardown(reason: DtlsCloseReason): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.stopTimer();
    this.sink.onClosed(reason);
  }

  /** Send a warning alert (no_renegotiation for a renegotiation attempt). */
  protected warn(description: number): void {
    this.writeAlert(AlertLevel.warning, description);
  }
}
