/** Public surface of the DTLS 1.2 wire codecs (records, handshake fragments, messages, alerts). */
export * from './constants.ts';
export * from './record.ts';
export * from './handshake.ts';
export * from './messages.ts';
export * from './alert.ts';
