/**
 * The client side of a plain-PSK DTLS 1.2 handshake: ClientHello, cookie round, key exchange.
 * @see RFC 6347 §4.2.1 (HelloVerifyRequest), RFC 5246 §7.3, RFC 4279 §2
 */
import { randomBytes } from 'node:crypto';
import {
  AlertDescription,
  DtlsVersion,
  ExtensionType,
  HandshakeType,
  TLS_PSK_WITH_AES_128_CCM_8,
} from '../../codec/dtls/constants.ts';
import {
  decodeHelloVerifyRequest,
  decodePskIdentityBody,
  decodeServerHello,
  encodeClientHello,
  encodePskIdentityBody,
  hasExtension,
} from '../../codec/dtls/messages.ts';
import type { ConnectionSink } from './connection.ts';
import { PskHandshake } from './psk-handshake.ts';
import type { DtlsConnectionOptions } from './options.ts';
import type { HandshakeMessage } from './reassembly.ts';

/** Options of a client association. */
export interface ClientConnectionOptions extends DtlsConnectionOptions {
  identity: Uint8Array;
  psk: Uint8Array;
}

type ClientStep = 'wait-server-hello' | 'wait-server-hello-done' | 'wait-change-cipher-spec' | 'wait-finished' | 'done';

/** How many HelloVerifyRequests a client follows before giving up (a server looping on cookies). */
const MAX_HELLO_VERIFY_ROUNDS = 3;

/** Client role of one association. */
export class DtlsClientConnection extends PskHandshake {
  private step: ClientStep = 'wait-server-hello';
  private readonly clientRandom = new Uint8Array(randomBytes(32));
  private serverRandom: Uint8Array | undefined;
  private helloVerifyRounds = 0;
  /** The PSK identity hint from ServerKeyExchange, when the server sent one. */
  identityHint: Uint8Array | undefined;

  constructor(
    sink: ConnectionSink,
    private readonly options: ClientConnectionOptions,
  ) {
    super('client', sink, options);
  }

  /** Send the first ClientHello. */
  start(): void {
    this.sendHello(new Uint8Array(0));
  }

  /**
   * ClientHello offering the one suite, the renegotiation SCSV substitute (an empty
   * renegotiation_info, RFC 5746 §3.4) and extended master secret (RFC 7627 §5.1).
   */
  private sendHello(cookie: Uint8Array): void {
    this.queueHandshake(HandshakeType.client_hello, encodeClientHello({
      clientVersion: DtlsVersion.DTLS_1_2,
      random: this.clientRandom,
      sessionId: new Uint8Array(0),
      cookie,
      cipherSuites: [TLS_PSK_WITH_AES_128_CCM_8],
      compressionMethods: Uint8Array.of(0),
      extensions: [
        { type: ExtensionType.extended_master_secret, data: new Uint8Array(0) },
        { type: ExtensionType.renegotiation_info, data: Uint8Array.of(0) },
      ],
    }));
    this.sendFlight(true);
  }

  protected override onHandshakeMessage(message: HandshakeMessage): void {
    const { msgType, body } = message;
    if (this.step === 'done') {
      if (msgType === HandshakeType.hello_request) this.warn(AlertDescription.no_renegotiation);
      return;
    }
    if (this.step === 'wait-server-hello' && msgType === HandshakeType.hello_verify_request) return this.onHelloVerifyRequest(body);
    if (this.step === 'wait-server-hello' && msgType === HandshakeType.server_hello) return this.onServerHello(body);
    if (this.step === 'wait-server-hello-done' && msgType === HandshakeType.server_key_exchange) return this.onServerKeyExchange(body);
    if (this.step === 'wait-server-hello-done' && msgType === HandshakeType.server_hello_done) return this.onServerHelloDone(body);
    if (this.step === 'wait-finished' && msgType === HandshakeType.finished) return this.onFinished(body);
    this.fail(AlertDescription.unexpected_message, `handshake type ${msgType} while ${this.step}`);
  }

  private onHelloVerifyRequest(body: Uint8Array): void {
    const hvr = decodeHelloVerifyRequest(body);
    if (!hvr.ok) return this.fail(AlertDescription.decode_error, `HelloVerifyRequest: ${hvr.error.message}`);
    if (++this.helloVerifyRounds > MAX_HELLO_VERIFY_ROUNDS) return this.fail(AlertDescription.unexpected_message, 'too many HelloVerifyRequests');
    // The first ClientHello and the HelloVerifyRequest stay out of the transcript (RFC 6347 §4.2.1).
    this.resetTranscript();
    this.sendHello(hvr.value.cookie);
  }

  private onServerHello(body: Uint8Array): void {
    const hello = decodeServerHello(body);
    if (!hello.ok) return this.fail(AlertDescription.decode_error, `ServerHello: ${hello.error.message}`);
    const h = hello.value;
    if (h.serverVersion !== DtlsVersion.DTLS_1_2) return this.fail(AlertDescription.protocol_version, `server_version ${h.serverVersion.toString(16)} is not DTLS 1.2`);
    if (h.cipherSuite !== TLS_PSK_WITH_AES_128_CCM_8 || h.compressionMethod !== 0) {
      return this.fail(AlertDescription.illegal_parameter, `server chose suite ${h.cipherSuite.toString(16)} / compression ${h.compressionMethod}, not offered`);
    }
    this.serverRandom = h.random;
    this.usesExtendedMasterSecret = hasExtension(h.extensions, ExtensionType.extended_master_secret);
    this.step = 'wait-server-hello-done';
  }

  private onServerKeyExchange(body: Uint8Array): void {
    const hint = decodePskIdentityBody(body);
    if (!hint.ok) return this.fail(AlertDescription.decode_error, `ServerKeyExchange: ${hint.error.message}`);
    this.identityHint = hint.value;
  }

  private onServerHelloDone(body: Uint8Array): void {
    if (body.length !== 0) return this.fail(AlertDescription.decode_error, 'ServerHelloDone has a body');
    this.queueHandshake(HandshakeType.client_key_exchange, encodePskIdentityBody(this.options.identity));
    this.installPskKeys(this.options.psk, this.clientRandom, this.serverRandom!);
    this.queueChangeCipherSpecAndFinished('client');
    this.sendFlight(true);
    this.step = 'wait-change-cipher-spec';
  }

  protected override onPeerChangeCipherSpec(): void {
    this.step = 'wait-finished';
  }

  private onFinished(body: Uint8Array): void {
    if (!this.verifyPeerFinished(body, 'server')) return;
    this.flightAcknowledged();
    this.step = 'done';
    this.markEstablished();
  }
}
