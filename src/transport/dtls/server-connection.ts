/**
 * The server side of a plain-PSK DTLS 1.2 handshake, started by a ClientHello whose cookie the
 * server already verified (so no state exists before the peer proved its address).
 *
 * Extensions: an empty renegotiation_info is echoed whenever the client signals RFC 5746 (by the
 * extension or the SCSV): OpenSSL 3 clients abort a handshake with a server that does not
 * (legacy server connect is off by default). Extended master secret (RFC 7627) is used when the
 * client offers it; OpenSSL, GnuTLS and mbedTLS do, and a client without it still connects with
 * the classic master secret. Renegotiation itself is refused with a no_renegotiation warning.
 * @see RFC 6347 §4.2.1, RFC 5246 §7.3 (handshake flow), RFC 4279 §2 (PSK key exchange)
 */
import { randomBytes } from 'node:crypto';
import {
  AlertDescription,
  DtlsVersion,
  ExtensionType,
  HandshakeType,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  TLS_PSK_WITH_AES_128_CCM_8,
} from '../../codec/dtls/constants.ts';
import { decodePskIdentityBody, encodePskIdentityBody, encodeServerHello, hasExtension, type ClientHello, type HelloExtension } from '../../codec/dtls/messages.ts';
import type { ConnectionSink } from './connection.ts';
import { PskHandshake } from './psk-handshake.ts';
import type { DtlsConnectionOptions } from './options.ts';
import type { HandshakeMessage } from './reassembly.ts';
import { HandshakeReassembler } from './reassembly.ts';

/** Looks up the key for a PSK identity; undefined = unknown identity. */
export type PskLookup = (identity: Uint8Array) => Uint8Array | undefined;

/** Options of a server-side association. */
export interface ServerConnectionOptions extends DtlsConnectionOptions {
  pskLookup: PskLookup;
  /** Sent in ServerKeyExchange when set (RFC 4279 §2: the message is omitted without a hint). */
  identityHint?: Uint8Array;
}

type ServerStep = 'wait-client-key-exchange' | 'wait-change-cipher-spec' | 'wait-finished' | 'done';

/** Server role of one association. */
export class DtlsServerConnection extends PskHandshake {
  private step: ServerStep = 'wait-client-key-exchange';
  private readonly serverRandom = new Uint8Array(randomBytes(32));
  /** The PSK identity the client authenticated with, once the handshake has it. */
  identity: Uint8Array | undefined;

  constructor(
    sink: ConnectionSink,
    private readonly options: ServerConnectionOptions,
    /** The verified ClientHello that starts this association. */
    private readonly hello: ClientHello,
  ) {
    super('server', sink, options);
  }

  /** The client random of the ClientHello that started this association. */
  get clientRandom(): Uint8Array {
    return this.hello.random;
  }

  /**
   * Answer the ClientHello (its handshake message_seq and record sequence number given) with
   * ServerHello, optional ServerKeyExchange, ServerHelloDone.
   */
  start(helloMessage: HandshakeMessage, helloRecordSeq: number): void {
    this.reassembler = new HandshakeReassembler(helloMessage.messageSeq + 1);
    // A stateless server's first message takes the ClientHello's message_seq, and its records
    // continue after the HelloVerifyRequest's sequence number (RFC 6347 §4.2.1, §4.2.2).
    this.setNextWriteMessageSeq(helloMessage.messageSeq);
    this.records.startEpoch0WritesAt(helloRecordSeq + 1);
    this.recordReceivedHello(helloMessage);
    const h = this.hello;
    if (h.clientVersion > DtlsVersion.DTLS_1_2) {
      // Versions count down: 0xfeff (1.0) is older than 0xfefd (1.2).
      this.fail(AlertDescription.protocol_version, `client_version ${h.clientVersion.toString(16)} is older than DTLS 1.2`);
      return;
    }
    if (!h.cipherSuites.includes(TLS_PSK_WITH_AES_128_CCM_8) || !h.compressionMethods.includes(0)) {
      this.fail(AlertDescription.handshake_failure, 'the client offers neither TLS_PSK_WITH_AES_128_CCM_8 nor null compression');
      return;
    }
    this.usesExtendedMasterSecret = hasExtension(h.extensions, ExtensionType.extended_master_secret);
    this.queueHandshake(HandshakeType.server_hello, encodeServerHello({
      serverVersion: DtlsVersion.DTLS_1_2,
      random: this.serverRandom,
      sessionId: new Uint8Array(0),
      cipherSuite: TLS_PSK_WITH_AES_128_CCM_8,
      compressionMethod: 0,
      extensions: this.serverExtensions(),
    }));
    if (this.options.identityHint) this.queueHandshake(HandshakeType.server_key_exchange, encodePskIdentityBody(this.options.identityHint));
    this.queueHandshake(HandshakeType.server_hello_done, new Uint8Array(0));
    this.sendFlight(true);
  }

  /** The ClientHello is the first transcript entry; it arrived outside the reassembler. */
  private recordReceivedHello(message: HandshakeMessage): void {
    this.appendToTranscript(message);
  }

  /** Extended master secret and an empty renegotiation_info, each only when the client asked. */
  private serverExtensions(): HelloExtension[] {
    const out: HelloExtension[] = [];
    if (this.usesExtendedMasterSecret) out.push({ type: ExtensionType.extended_master_secret, data: new Uint8Array(0) });
    const h = this.hello;
    if (h.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV) || hasExtension(h.extensions, ExtensionType.renegotiation_info)) {
      out.push({ type: ExtensionType.renegotiation_info, data: Uint8Array.of(0) });
    }
    return out;
  }

  protected override onHandshakeMessage(message: HandshakeMessage): void {
    if (this.step === 'done') {
      // A new handshake inside the association is renegotiation, which this server refuses.
      this.warn(AlertDescription.no_renegotiation);
      return;
    }
    if (this.step === 'wait-client-key-exchange' && message.msgType === HandshakeType.client_key_exchange) {
      this.onClientKeyExchange(message.body);
    } else if (this.step === 'wait-finished' && message.msgType === HandshakeType.finished) {
      this.onFinished(message.body);
    } else {
      this.fail(AlertDescription.unexpected_message, `handshake type ${message.msgType} while ${this.step}`);
    }
  }

  private onClientKeyExchange(body: Uint8Array): void {
    const identity = decodePskIdentityBody(body);
    if (!identity.ok) return this.fail(AlertDescription.decode_error, `ClientKeyExchange: ${identity.error.message}`);
    const psk = this.options.pskLookup(identity.value);
    if (!psk) return this.fail(AlertDescription.unknown_psk_identity, `unknown PSK identity ${JSON.stringify(Buffer.from(identity.value).toString('latin1'))}`);
    this.identity = identity.value;
    this.installPskKeys(psk, this.hello.random, this.serverRandom);
    this.step = 'wait-change-cipher-spec';
  }

  protected override onPeerChangeCipherSpec(): void {
    this.step = 'wait-finished';
  }

  private onFinished(body: Uint8Array): void {
    if (!this.verifyPeerFinished(body, 'client')) return;
    this.queueChangeCipherSpecAndFinished('server');
    // The last flight gets no reply; it is resent when the client resends its own (RFC 6347 §4.2.4).
    this.sendFlight(false);
    this.step = 'done';
    this.markEstablished();
  }
}
