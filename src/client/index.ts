/** Public names of the client layer. */
export { SmpClient, type SmpClientOptions, type SmpReply, type ReceivedPacket } from './smp-client.ts';
export { describePacket, viewReceivedPacket } from './packet-view.ts';
