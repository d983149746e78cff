/** Public names of the client layer. */
export { SmpClient, type SmpClientOptions, type SmpReply, type ReceivedPacket } from './smp-client.ts';
export { describePacket, viewReceivedPacket, LazyTraceEntry } from './packet-view.ts';
export { probeDevice, describeErrorBody, type DeviceProbe, type ProbeItem, type ProbedGroup } from './device-probe.ts';
export { uploadImage, UploadRejectedError, type UploadOptions, type UploadProgress, type UploadResult } from './image-upload.ts';
