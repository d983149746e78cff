/**
 * The LwM2M side of a Session: the harness as LwM2M server. The CoAP socket is bound in the
 * conformance worker (so it outlives every suite file with the Session) before the device is
 * started, which is then told the bound address; readiness is the endpoint's registration.
 * An endpoint that never registers leaves the side unreachable rather than failing the session:
 * every LwM2M case is then broken with the same reason, at once.
 * @see docs/architecture.md "Listeners before devices", "Protocol drivers"
 */
import { Lwm2mBootstrapServer } from '../../client/lwm2m-bootstrap-server.ts';
import { runBootstrapScript, type SessionBootstrapRecord } from '../../client/lwm2m/bootstrap-script.ts';
import { Lwm2mServer, type Lwm2mRegistration } from '../../client/lwm2m-server.ts';
import { RttHistograms } from '../../client/timing/index.ts';
import type { ListenAddresses } from '../../config/index.ts';
import { pskKeyBytes, type DeviceConTiming, type Lwm2mFirmwareCapability, type Lwm2mTargetOptions } from '../../config/lwm2m-target.ts';
import type { CoapDtlsOptions } from '../../client/coap-endpoint.ts';
import { describeDtlsClose, type DtlsSessionEvent } from '../../transport/dtls/index.ts';
import { TraceLog } from '../../core/trace.ts';
import { NotRegisteredError, RegistrationTimeoutError, TransportError } from '../../errors.ts';
import type { AliveResult, DriverDiscovery, DriverOpenContext, ProtocolDriver, ReadyResult } from '../protocol-driver.ts';
import { discoverLwm2mCapabilities, registrationIdentity, unregisteredStatuses, within } from './capabilities.ts';

/** How the driver is set up. */
export interface Lwm2mDriverOptions {
  lwm2m: Lwm2mTargetOptions;
  /** Per-request timeout of the target (probes and the liveness check). */
  timeoutMs: number;
  /** Capabilities targets.json declares. */
  declared: readonly string[];
  /** The simulated client's scaled ACK_TIMEOUT (targets.json `sim.lwm2m.ackTimeoutMs`). */
  simAckTimeoutMs?: number;
  /** What the Firmware Update object takes when `lwm2m.firmware` does not say (the simulator's statement). */
  simFirmware?: Lwm2mFirmwareCapability;
}

/** RFC 7252 §4.8 transmission parameters a device's CONs are held to. */
const RFC_CON_TIMING = { ackTimeoutMs: 2000, ackRandomFactor: 1.5, maxRetransmit: 4 } as const;

/** `coap://HOST:PORT` (or `coaps://`) of a bound address (IPv6 in brackets). */
export function coapUri(address: { address: string; port: number }, scheme: 'coap' | 'coaps' = 'coap'): string {
  return `${scheme}://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
}

/** The DTLS handshakes that ended before an association was established, in one line; undefined when none did. */
export function dtlsFailureDetail(events: readonly DtlsSessionEvent[]): string | undefined {
  const established = new Set(events.filter((e) => e.kind === 'established').map((e) => `${e.peer.address}|${e.peer.port}`));
  const failed = events.filter((e) => e.kind === 'closed' && !established.has(`${e.peer.address}|${e.peer.port}`) && e.reason.kind !== 'closed-locally');
  if (failed.length === 0) return undefined;
  const reasons = [...new Set(failed.map((e) => (e.kind === 'closed' ? describeDtlsClose(e.reason) : '')))];
  return `${failed.length} DTLS handshake(s) failed: ${reasons.join('; ')}`;
}

/** The server's DTLS options for a PSK target: the one identity it knows, with its key. */
export function dtlsOptionsOf(lwm2m: Pick<Lwm2mTargetOptions, 'security'>): CoapDtlsOptions | undefined {
  const security = lwm2m.security;
  if (security?.mode !== 'psk') return undefined;
  const identity = Buffer.from(security.identity, 'utf8');
  const key = pskKeyBytes(security);
  return { pskLookup: (offered) => (identity.equals(offered) ? key : undefined) };
}

/** The LwM2M protocol driver; also the case kit's LwM2M side (`CaseLwm2mSide`). */
export class Lwm2mDriver implements ProtocolDriver {
  readonly name = 'lwm2m' as const;
  readonly trace = new TraceLog();
  readonly endpoint: string;
  readonly registrationTimeoutMs: number;
  readonly deviceConTiming: DeviceConTiming;
  readonly #options: Lwm2mDriverOptions;
  /** Device start to registration (`lwm2m.register`), reset to registration (`lwm2m.reregister`), in ms. */
  readonly timing = new RttHistograms();
  #server: Lwm2mServer | undefined;
  #bootstrapServer: Lwm2mBootstrapServer | undefined;
  #bootstrap: SessionBootstrapRecord | undefined;
  #unreachable: string | undefined;
  #hasWaited = false;
  #openedAtMs: number | undefined;
  #registrationMs: number | undefined;

  constructor(options: Lwm2mDriverOptions) {
    this.#options = options;
    this.endpoint = options.lwm2m.endpoint;
    this.registrationTimeoutMs = options.lwm2m.registrationTimeoutMs;
    this.deviceConTiming = options.simAckTimeoutMs === undefined
      ? { ...RFC_CON_TIMING, source: 'RFC 7252 §4.8 defaults' }
      : { ...RFC_CON_TIMING, ackTimeoutMs: options.simAckTimeoutMs, source: `simulator ACK_TIMEOUT scaled to ${options.simAckTimeoutMs} ms by targets.json sim.lwm2m.ackTimeoutMs` };
  }

  /** How the target secures CoAP, without the key (the case kit's view). */
  get security(): { mode: 'psk'; identity: string } | { mode: 'nosec' } {
    const security = this.#options.lwm2m.security;
    return security?.mode === 'psk' ? { mode: 'psk', identity: security.identity } : { mode: 'nosec' };
  }

  /**
   * What the run reports about transport security: the mode (`securityMode`, read by the
   * `lwm2m-nosec` finding) and, over DTLS, the PSK identities and handshake times seen.
   */
  #securityIdentity(): Record<string, string | number | string[]> {
    const security = this.security;
    if (security.mode !== 'psk') return { securityMode: 'nosec' };
    const established = (this.#server?.coap.dtlsEvents ?? []).flatMap((e) => (e.kind === 'established' ? [e] : []));
    return {
      securityMode: 'psk',
      dtlsCipherSuite: 'TLS_PSK_WITH_AES_128_CCM_8',
      dtlsIdentities: [...new Set(established.map((e) => Buffer.from(e.peer.identity).toString('utf8')))],
      ...(established.length > 0 ? { dtlsHandshakeMs: Math.round(established[0]!.handshakeMs * 10) / 10 } : {}),
    };
  }

  /** What the Firmware Update object takes, as the target states it; undefined when unstated. */
  get firmware(): Lwm2mFirmwareCapability | undefined {
    return this.#options.lwm2m.firmware ?? this.#options.simFirmware;
  }

  /** The harness's LwM2M server (bound by `listen`). */
  get server(): Lwm2mServer {
    if (!this.#server) throw new TransportError(`the LwM2M server for ${this.endpoint} is not listening`);
    return this.#server;
  }

  /** Why the side cannot be used (the endpoint never registered); undefined once it registered. */
  get unreachable(): string | undefined {
    return this.#unreachable;
  }

  /** The endpoint's active registration (throws NotRegisteredError when there is none). */
  registration(): Lwm2mRegistration {
    return this.server.target(this.endpoint);
  }

  /** What the session's bootstrap did (targets with `lwm2m.bootstrap`), once it ran. */
  get bootstrap(): SessionBootstrapRecord | undefined {
    return this.#bootstrap;
  }

  /** Milliseconds from the device start to its first registration; undefined until it registered. */
  get registrationMs(): number | undefined {
    return this.#registrationMs;
  }

  /**
   * Bind the server socket at the target's `lwm2m.listen` (port 0: ephemeral), and the
   * bootstrap server on the same host when the target bootstraps.
   */
  async listen(): Promise<ListenAddresses> {
    const dtls = dtlsOptionsOf(this.#options.lwm2m);
    const secured = { trace: this.trace, ...(dtls ? { dtls } : {}) };
    const nstart = this.#options.lwm2m.nstart;
    this.#server ??= await Lwm2mServer.listen(this.#options.lwm2m.listen, { ...secured, ...(nstart === undefined ? {} : { nstart }) });
    const bootstrap = this.#options.lwm2m.bootstrap;
    if (bootstrap !== undefined) this.#bootstrapServer ??= await Lwm2mBootstrapServer.open({ host: this.#server.address().address, port: bootstrap.port }, secured);
    return { lwm2m: coapUri(this.#server.address(), this.#server.coap.scheme), ...(this.#bootstrapServer ? { lwm2mBootstrap: this.#bootstrapServer.uri } : {}) };
  }

  /** The server already serves since `listen`; the device was just started (registration time counts from here). */
  async open(_context: DriverOpenContext): Promise<void> {
    if (!this.#server) await this.listen();
    this.#openedAtMs = Date.now();
  }

  /**
   * Wait for the endpoint's registration: the first time up to `registrationTimeoutMs`, later
   * (after a reset) up to `timeoutMs`. A first wait that ends without one marks the side
   * unreachable instead of throwing; later waits on an unreachable side return at once.
   */
  async waitReady(options: { timeoutMs: number }): Promise<ReadyResult> {
    const isFirst = !this.#hasWaited;
    this.#hasWaited = true;
    if (!isFirst && this.#unreachable !== undefined) return { waitedMs: 0 };
    const started = Date.now();
    let timeoutMs = isFirst ? this.registrationTimeoutMs : Math.max(options.timeoutMs, 1);
    if (isFirst && this.#bootstrapServer) {
      this.#bootstrap = await this.#runBootstrap();
      timeoutMs = Math.max(timeoutMs - (Date.now() - started), 2 * this.#probeMs());
    }
    try {
      await this.server.waitForRegistration(this.endpoint, timeoutMs);
      if (isFirst) this.#recordRegistration();
      return { waitedMs: Date.now() - started };
    } catch (e) {
      if (!(e instanceof RegistrationTimeoutError)) throw e;
      const others = [...new Set(this.server.history.filter((h) => h.kind === 'register' && h.endpoint !== this.endpoint).map((h) => h.endpoint ?? '(no ep)'))];
      const refused = this.server.history.filter((h) => h.kind === 'register' && h.endpoint === this.endpoint && h.answered !== undefined && !h.answered.startsWith('2.'));
      const dtls = dtlsFailureDetail(this.server.coap.dtlsEvents);
      const detail = dtls !== undefined && refused.length === 0 && others.length === 0 ? ` (${dtls})` : refused.length > 0
        ? ` (its ${refused.length} Register request(s) were refused with ${[...new Set(refused.map((h) => h.answered))].join(', ')})`
        : others.length > 0 ? ` (Register requests came from: ${others.join(', ')})` : '';
      if (!isFirst) throw new TransportError(`${e.message}${detail}`, { cause: e });
      this.#unreachable = `${e.message}${detail}`;
      return { waitedMs: Date.now() - started };
    }
  }

  /** Capabilities from the registration and harmless reads; an unreachable side has only `lwm2m` (absent). */
  async discover(_ready: ReadyResult): Promise<DriverDiscovery> {
    const declared = this.#options.declared;
    if (this.#unreachable !== undefined) {
      const statuses = this.#withBootstrapStatus(unregisteredStatuses(this.#unreachable, declared));
      return { statuses, identity: { lwm2m: { endpoint: this.endpoint, unreachable: this.#unreachable, ...this.#securityIdentity() } } };
    }
    const registration = this.registration();
    const statuses = this.#withBootstrapStatus(await discoverLwm2mCapabilities(this.server, registration, { declared, probeTimeoutMs: this.#probeMs() }));
    return { statuses, identity: { lwm2m: { ...registrationIdentity(registration), ...this.#securityIdentity() } } };
  }

  /** `lwm2m.bootstrap`: present when the target bootstraps and a Bootstrap-Request came. */
  #withBootstrapStatus(statuses: DriverDiscovery['statuses']): DriverDiscovery['statuses'] {
    const name = 'lwm2m.bootstrap';
    const isDeclared = this.#options.declared.includes(name);
    const requests = this.#bootstrap?.requests.length ?? 0;
    const reason = this.#bootstrap === undefined ? 'the target does not bootstrap (no lwm2m.bootstrap in targets.json)' : requests === 0 ? (this.#bootstrap.stoppedEarly ?? 'no Bootstrap-Request came') : undefined;
    statuses.set(name, { name, present: reason === undefined, declared: isDeclared, reason: reason ?? 'bootstrapped from the harness' });
    return statuses;
  }

  /** A CoAP ping (empty CON, answered RST) and a Read of /3/0 answered 2.05. */
  async alive(options: { timeoutMs: number }): Promise<AliveResult> {
    if (this.#unreachable !== undefined) return { kind: 'unchecked', reason: this.#unreachable };
    const ms = Math.max(options.timeoutMs, this.#probeMs());
    let registration: Lwm2mRegistration;
    try {
      registration = this.registration();
    } catch (e) {
      if (!(e instanceof NotRegisteredError)) throw e;
      return { kind: 'dead', expected: `an active registration of ${this.endpoint}`, actual: 'none (de-registered or expired)' };
    }
    const coap = this.server.coap;
    const ping = { type: 'CON' as const, code: '0.00', messageId: coap.nextMessageId(), token: new Uint8Array(0), options: [], payload: new Uint8Array(0) };
    const pong = await within(coap.exchange(registration.peer, ping), ms);
    if (pong === undefined) return { kind: 'dead', expected: 'RST to a CoAP ping (empty CON)', actual: `no answer within ${ms} ms`, silent: true };
    if (pong.kind !== 'reset') return { kind: 'dead', expected: 'RST to a CoAP ping (empty CON)', actual: `${pong.response.type} ${pong.response.code}` };
    const read = await within(this.server.read(registration, [3, 0]), ms);
    if (read === undefined) return { kind: 'dead', expected: 'Read /3/0 answered 2.05 Content', actual: `no answer within ${ms} ms`, silent: true };
    if (read.code !== '2.05') return { kind: 'dead', expected: 'Read /3/0 answered 2.05 Content', actual: read.code === undefined ? 'RST' : `answered ${read.code}` };
    return { kind: 'alive' };
  }

  /** Reboot over LwM2M and the next registration, for a reset (src/target/reset.ts); reset-to-registration is recorded as `lwm2m.reregister`. */
  resetSide(): { reboot(): Promise<void>; awaitReregistration(timeoutMs: number): Promise<void> } {
    return {
      reboot: async () => {
        const r = await this.server.execute(this.endpoint, '/3/0/4');
        if (r.code !== '2.04') throw new TransportError(`Reboot (Execute /3/0/4) of ${this.endpoint} answered ${r.code ?? 'RST'}`);
      },
      awaitReregistration: async (timeoutMs) => {
        const started = performance.now();
        await this.server.waitForNewRegistration(this.endpoint, timeoutMs);
        this.timing.record('lwm2m.reregister', performance.now() - started);
      },
    };
  }

  /** Close the server sockets (registrations are forgotten, nothing is sent). Never throws. */
  async close(): Promise<void> {
    const server = this.#server;
    const bootstrap = this.#bootstrapServer;
    this.#server = undefined;
    this.#bootstrapServer = undefined;
    await bootstrap?.close().catch(() => undefined);
    await server?.close().catch(() => undefined);
  }

  /** The session's bootstrap walk, pointing the client at this driver's DM server. */
  #runBootstrap(): Promise<SessionBootstrapRecord> {
    return runBootstrapScript(this.#bootstrapServer!, {
      endpoint: this.endpoint,
      dmServerUri: coapUri(this.server.address()),
      lifetimeS: 86_400,
      requestTimeoutMs: this.registrationTimeoutMs,
      operationTimeoutMs: 2 * this.#probeMs(),
    });
  }

  /**
   * Device start (the device up, `open`) to the first registration: the figure the
   * `registrationMs` budget bounds. A device that registered before `open` ran gets 0.
   */
  #recordRegistration(): void {
    const first = this.server.history.find((h) => h.kind === 'register' && h.endpoint === this.endpoint && h.answered?.startsWith('2.') === true);
    const atMs = first?.atMs ?? Date.now();
    this.#registrationMs = Math.max(0, atMs - (this.#openedAtMs ?? atMs));
    this.timing.record('lwm2m.register', this.#registrationMs);
  }

  /** Bound on one probe: the target's timeout, at least two CoAP ACK timeouts (one retransmission). */
  #probeMs(): number {
    const ack = this.#server?.coap.parameters.ackTimeoutMs ?? 2000;
    return Math.max(this.#options.timeoutMs, 2 * ack);
  }
}
