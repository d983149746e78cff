/**
 * DTLS 1.2 wire constants for the one cipher suite LwM2M mandates with pre-shared keys.
 * @see docs/spec/lwm2m.md §7.2 (TLS_PSK_WITH_AES_128_CCM_8 for CoAPs)
 * @see RFC 6347 §4.1 (record), §4.2.2 (handshake header), RFC 5246 §7.2 (alerts)
 */

/** Record content types (RFC 5246 §6.2.1). */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

/** Protocol versions on the wire: DTLS 1.2 = {254, 253}, DTLS 1.0 = {254, 255} (RFC 6347 §4.1). */
export const DtlsVersion = {
  DTLS_1_0: 0xfeff,
  DTLS_1_2: 0xfefd,
} as const;

/** Handshake message types used by a plain-PSK handshake (RFC 5246 §7.4, RFC 6347 §4.3.2). */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  server_key_exchange: 12,
  server_hello_done: 14,
  client_key_exchange: 16,
  finished: 20,
} as const;

/** Alert levels (RFC 5246 §7.2). */
export const AlertLevel = {
  warning: 1,
  fatal: 2,
} as const;

/** Alert descriptions a PSK handshake can give or receive (RFC 5246 §7.2, RFC 4279 §2). */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  illegal_parameter: 47,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  internal_error: 80,
  no_renegotiation: 100,
  unsupported_extension: 110,
  unknown_psk_identity: 115,
} as const;

/** TLS_PSK_WITH_AES_128_CCM_8 (RFC 6655 §3), the suite LwM2M mandates for PSK security mode. */
export const TLS_PSK_WITH_AES_128_CCM_8 = 0xc0a8;

/** The signalling cipher suite value for secure renegotiation (RFC 5746 §3.3). */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** Extension types this implementation reads or writes. */
export const ExtensionType = {
  /** RFC 7627: master secret bound to the handshake transcript. */
  extended_master_secret: 0x0017,
  /** RFC 5746: secure renegotiation indication. */
  renegotiation_info: 0xff01,
} as const;

/** Record header bytes: type 1, version 2, epoch 2, sequence number 6, length 2 (RFC 6347 §4.1). */
export const DTLS_RECORD_HEADER_BYTES = 13;

/** Handshake header bytes: type 1, length 3, message_seq 2, fragment_offset 3, fragment_length 3. */
export const DTLS_HANDSHAKE_HEADER_BYTES = 12;

/** Largest record plaintext (2^14) plus the CCM_8 expansion allowed in a protected record. */
export const DTLS_MAX_RECORD_PAYLOAD_BYTES = 16384 + 2048;

/** Bytes of a client or server random. */
export const DTLS_RANDOM_BYTES = 32;

/** Longest cookie a HelloVerifyRequest may carry in DTLS 1.2 (RFC 6347 §4.2.1). */
export const DTLS_MAX_COOKIE_BYTES = 255;

/** verify_data length of Finished for every TLS 1.2 suite that does not say otherwise (RFC 5246 §7.4.9). */
export const FINISHED_VERIFY_DATA_BYTES = 12;

/** Largest sequence number in a 48-bit field. */
export const DTLS_MAX_SEQUENCE_NUMBER = 2 ** 48 - 1;
