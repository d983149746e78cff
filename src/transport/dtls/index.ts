/** Public surface of the DTLS 1.2 PSK transport (TLS_PSK_WITH_AES_128_CCM_8, both roles). */
export { DtlsServer, type DtlsServerOptions, type DtlsPeer, type DtlsPeerAddress, type DtlsSessionEvent } from './server.ts';
export { DtlsClient, type DtlsClientOptions } from './client.ts';
export { DtlsClientConnection, type ClientConnectionOptions } from './client-connection.ts';
export { DtlsHandshakeError, describeDtlsClose } from './errors.ts';
export { DEFAULT_RETRANSMIT, type RetransmitOptions, type DtlsCloseReason, type DtlsConnectionOptions } from './options.ts';
export type { PskLookup } from './server-connection.ts';
export { tls12Prf, pskPremasterSecret, masterSecret, extendedMasterSecret, ccmKeyBlock, finishedVerifyData } from './key-schedule.ts';
