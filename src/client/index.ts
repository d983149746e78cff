/** Public names of the client layer. */
export { SmpClient, type SmpClientOptions, type SmpReply, type ReceivedPacket } from './smp-client.ts';
export { describePacket, viewReceivedPacket, LazyTraceEntry } from './packet-view.ts';
export { probeDevice, describeErrorBody, type DeviceProbe, type ProbeItem, type ProbedGroup } from './device-probe.ts';
export { uploadImage, UploadRejectedError, type UploadOptions, type UploadProgress, type UploadResult } from './image-upload.ts';
export { CoapEndpoint, responseProblems, type CoapEndpointOptions, type CoapOutcome, type CoapRequestSpec, type CoapRequestOptions, type CoapIncoming, type CoapRoute, type CoapRequestHandler, type CoapResponseSpec, type CoapIncomingRequest } from './coap-endpoint.ts';
export { CoapObservation, type CoapNotification, type ObservationEnd } from './coap/observation.ts';
export { fetchBlockwise, pushBlockwise, type BlockwiseResult } from './coap/blockwise.ts';
export { DEFAULT_TRANSMISSION_PARAMETERS, exchangeLifetimeMs, maxTransmitSpanMs, maxTransmitWaitMs, nonLifetimeMs, retransmissionWaits, transmissionParameters, type TransmissionParameters } from './coap/params.ts';
export { Lwm2mServer, Lwm2mObservation, parseListenUri, DEFAULT_COAP_PORT, type Lwm2mServerOptions, type Lwm2mNotification, type Lwm2mBody, type Lwm2mOperationOptions, type Lwm2mReadOptions, type Lwm2mWriteOptions, type DiscoveredLink, type Lwm2mDecoded, type Lwm2mPayloadProblem, type Lwm2mResponse, type Lwm2mPathInput, type Lwm2mTarget, type Lwm2mRegistration, type Lwm2mSendReport, type Lwm2mServerEvent, type RegistrationFinding, type RegistrationHistoryEntry } from './lwm2m-server.ts';
export { Lwm2mBootstrapServer, dmServerPlan, writeFormat, securityRecords, serverRecords, SecurityMode, judgeBootstrapRequest, type BootstrapPlan, type BootstrapProvisioning, type Lwm2mBootstrapEvent, type Lwm2mBootstrapServerOptions, type SecurityAccount, type ServerAccount, type BootstrapOperationKind, type BootstrapOperationOptions, type BootstrapStep, type Lwm2mBootstrapSession, type BootstrapRequestRecord, type BootstrapRequestJudgement } from './lwm2m-bootstrap-server.ts';
export { type ServedResource } from './coap-endpoint.ts';
