/**
 * What the LwM2M server keeps about its clients: one record per registration, the history of
 * every Register/Update/De-register as received and answered, the findings of validation, and
 * the events a suite can wait for.
 * @see docs/spec/lwm2m.md §2.4, §2.7, §2.8
 */
import type { DatagramPeer } from '../../core/transport.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import type { CoreLink } from '../../codec/lwm2m/link-format.ts';
import type { RegistrationContent } from '../../codec/lwm2m/registration.ts';
import type { Lwm2mRecord } from '../../codec/lwm2m/types.ts';

/** One registration of one endpoint, from its Register to its De-register, expiry or replacement. */
export interface Lwm2mRegistration {
  /** Registration id: the second Location-Path segment (`rd/<id>`). */
  readonly id: string;
  readonly endpoint: string;
  /** Location-Path segments returned in the 2.01 (`['rd', id]`). */
  readonly location: readonly string[];
  /** Where requests to the client go; re-mapped when an Update comes from a new address. */
  peer: DatagramPeer;
  /** Lifetime in seconds (`lt=`, or the 86400 s default when absent). */
  lifetimeS: number;
  /** True when the client sent `lt=`. */
  lifetimeGiven: boolean;
  /** `lwm2m=` as sent (undefined when absent). */
  lwm2mVersion: string | undefined;
  /** `b=` as sent (undefined when absent: UDP). */
  binding: string | undefined;
  sms: string | undefined;
  /** Queue mode: `b=UQ`/`SQ`/`UQS` (1.0) or the `Q` flag (1.1+). */
  queueMode: boolean;
  /** The object list as last announced (Register, or an Update with a payload). */
  content: RegistrationContent;
  /** The announced links, verbatim. */
  links: CoreLink[];
  /** Query parameters the interface does not define, verbatim. */
  unknownQuery: string[];
  /** `Date.now()` of the Register, of the last Register/Update, and when the lifetime runs out. */
  readonly registeredAtMs: number;
  lastRefreshAtMs: number;
  expiresAtMs: number;
  /** Updates accepted so far. */
  updates: number;
  /** Why the registration ended; undefined while active. */
  ended: 'deregistered' | 'expired' | 'replaced' | 'removed' | undefined;
}

/** Interface messages the server records. */
export type RegistrationMessageKind = 'register' | 'update' | 'deregister';

/** One Register/Update/De-register as received and answered, or an expiry. */
export interface RegistrationHistoryEntry {
  kind: RegistrationMessageKind | 'expired';
  /** Endpoint name (for Update/De-register: the one of the registration addressed, if known). */
  endpoint: string | undefined;
  registrationId: string | undefined;
  atMs: number;
  /** Monotonic receive time (same clock as the trace). */
  atNs: bigint;
  /** Sender (undefined for an expiry). */
  peer: DatagramPeer | undefined;
  /** The request exactly as received (undefined for an expiry). */
  message: CoapMessage | undefined;
  bytes: Uint8Array | undefined;
  /** The response code the server answered. */
  answered: string | undefined;
  /** Rule breaks found in this message (also in `findings`). */
  findings: string[];
  /**
   * For an Update to an active registration: how much of its lifetime was left when the
   * Update arrived ("Update sent before lifetime expiry"); 0 for an expiry; else undefined.
   */
  lifetimeLeftMs: number | undefined;
}

/** A rule break in a client's registration traffic, as a server judges it. */
export interface RegistrationFinding {
  kind: 'missing-endpoint' | 'bad-query' | 'unknown-query' | 'bad-payload' | 'bad-content-format' | 'unsupported-version' | 'security-object-listed' | 'unknown-registration' | 'version-mismatch';
  message: string;
  endpoint: string | undefined;
  atMs: number;
}

/** A Send (POST /dp) as received. */
export interface Lwm2mSendReport {
  endpoint: string | undefined;
  peer: DatagramPeer;
  atMs: number;
  atNs: bigint;
  message: CoapMessage;
  contentFormat: number | undefined;
  /** Decoded values, or why they did not decode. */
  records: { ok: true; value: Lwm2mRecord[] } | { ok: false; error: string };
  answered: string;
}

/** What a suite can follow. */
export type Lwm2mServerEvent =
  | { kind: 'registered'; registration: Lwm2mRegistration; /** An earlier registration of the endpoint was replaced (reboot). */ reregistration: boolean }
  | { kind: 'updated'; registration: Lwm2mRegistration; /** The Update came from a new address. */ remapped: boolean }
  | { kind: 'update-refused'; endpoint: string | undefined; registrationId: string; code: string }
  | { kind: 'deregistered'; registration: Lwm2mRegistration }
  | { kind: 'expired'; registration: Lwm2mRegistration }
  | { kind: 'send'; report: Lwm2mSendReport };
