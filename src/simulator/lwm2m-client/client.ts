/**
 * One simulated LwM2M client: its socket, data model, registration, observations and firmware
 * state machine wired together, with the object hooks of the Zephyr sample (Lifetime write →
 * Update, Registration Update Trigger, Disable, Reboot, firmware Update) and the wire-level
 * fault profiles (token, payload marker). Several clients run side by side, each on its own port.
 * @see docs/spec/lwm2m.md §2; captures lwm2m-operations.jsonl (update after writes, reboot)
 */
import type { DtlsCredentials } from './dtls-links.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import { uintOptionOrUndefined } from '../../codec/coap/access.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import type { Lwm2mPath } from '../../codec/lwm2m/path.ts';
import { AttributeStore } from './attributes.ts';
import { CoapSocket, type ConTiming, type HandlerAnswer, type Peer } from './coap-socket.ts';
import { content, uintOpt, type Block1Negotiation, type DmContext, type DmResponse } from './dm-context.ts';
import { DmHandler } from './dm-handler.ts';
import type { Lwm2mFaults } from './faults.ts';
import { FirmwareUpdate, FwResult, FwState } from './firmware.ts';
import { coapPackageDownloader } from './firmware-pull.ts';
import { encodeContent } from './formats.ts';
import { compositeRecords, encodeComposite } from './dm-composite.ts';
import { ObjectStore, type ObjectHooks, type Refusal, type ValueRecord } from './object-store.ts';
import { numberAsString, withoutDeviceInstance } from './payload-faults.ts';
import { ObservationTable, type Observation } from './observe.ts';
import { newToken, RegistrationClient } from './registration.ts';
import { ContentFormat } from '../../codec/coap/content-format.ts';
import { packageChecker, type PackageCheck } from './firmware-package.ts';
import { firmwareInstance, registerLinks, sampleObjects, supportedFormats, type AnnouncedObject, type Lwm2mVersion } from './sample.ts';
import { answerWithWireFaults, leniently, tlvLengthOffByOne } from './wire-faults.ts';
import { BootstrapClient, useBootstrapAccount } from './bootstrap.ts';

/** How long `lwm2m-slow-register` holds the first Register back after start, ms. */
const SLOW_REGISTER_MS = 4000;

/** What a reboot (Execute /3/0/4) does: `restart` registers anew; `log` only answers, as the Zephyr sample does. */
export type RebootMode = 'restart' | 'log';

/** Settings of one client. */
export interface ClientSettings {
  server: Peer;
  endpoint: string;
  lifetimeS: number;
  version: Lwm2mVersion;
  faults: Lwm2mFaults;
  localAddress: string;
  localPort: number;
  timing: ConTiming;
  rebootMode: RebootMode;
  registerRetryMs: number;
  /** Delay of the Update that follows a Lifetime write or an object-list change (Zephyr: about 220 ms). */
  updateDelayMs: number;
  blockSizeBytes: number;
  /** The client's own Block1 size (a power of two, 16-1024): larger request blocks are negotiated down to it. */
  block1SizeBytes: number;
  /** How a larger Block1 block is negotiated down (4.13, or 2.31 after taking the first block). */
  block1Negotiation: Block1Negotiation;
  /** How a completed package is checked before Downloaded. */
  packageCheck: PackageCheck;
  maxPackageBytes: number;
  /** Start from this bootstrap server instead of registering with `server` (which then only matters to faults). */
  bootstrap?: Peer;
  /** How long a bootstrap waits for Bootstrap-Finish before requesting again. */
  bootstrapTimeoutMs?: number;
  /** Consecutive failed Registers before falling back to bootstrap (with `bootstrap` only). */
  bootstrapAfterFailures?: number;
  /** Speak CoAP over DTLS with this PSK (CoAPs). */
  dtls?: DtlsCredentials;
}

/** A running simulated client. */
export class Lwm2mClient {
  readonly settings: ClientSettings;
  readonly store = new ObjectStore();
  readonly attributes = new AttributeStore();
  readonly firmware: FirmwareUpdate;
  readonly observations: ObservationTable;
  readonly registration: RegistrationClient;
  /** The bootstrap phase, when the client starts from a bootstrap server. */
  readonly bootstrap: BootstrapClient | undefined;
  readonly #startedMs = Date.now();
  readonly #announced: AnnouncedObject[];
  readonly #handler: DmHandler;
  readonly #dm: DmContext;
  readonly #timers = new Set<NodeJS.Timeout>();
  #socket: CoapSocket | undefined;
  /** Server instance of the account in use (the one a bootstrap wrote, else /1/0). */
  #serverIid = 0;

  constructor(settings: ClientSettings) {
    this.settings = settings;
    this.firmware = this.#firmwareUpdate(settings);
    const fw = this.firmware;
    // The fault lists HTTP 1.1 only (2) while the pull speaks CoAP.
    const firmware = firmwareInstance(() => fw.state, () => fw.result, () => fw.packageUri, settings.faults.has('lwm2m-fw-protocol-support-wrong') ? [2] : [0]);
    const serverUri = `${settings.dtls ? 'coaps' : 'coap'}://${settings.server.address}:${settings.server.port}`;
    this.#announced = sampleObjects({ version: settings.version, serverUri, lifetimeS: settings.lifetimeS, uptimeMs: () => Date.now() - this.#startedMs }, firmware, this.#hooks());
    for (const a of this.#announced) this.store.add(a.object);
    this.observations = new ObservationTable({
      attributes: (p) => this.attributes.effective(p, { pmin: this.#serverInt(2), pmax: this.#serverInt(3) }),
      notify: (o) => this.#notify(o),
      read: (o) => this.#observedRecords(o),
      ignoresPmin: settings.faults.has('lwm2m-notify-before-pmin'),
      lateAfterPmaxMs: settings.faults.has('lwm2m-notify-after-pmax') ? 1500 : 0,
      ignoresValueConditions: settings.faults.has('lwm2m-notify-ignores-value-attributes'),
      nowMs: () => Date.now(),
    });
    this.#dm = this.#context();
    this.#handler = new DmHandler(this.#dm);
    this.registration = new RegistrationClient({
      endpoint: settings.endpoint,
      version: settings.version,
      lifetimeS: () => this.#serverInt(1),
      // Under a fault the Device object is listed as </3> without its instance.
      objectLinks: () => (settings.faults.has('lwm2m-register-device-without-instance') ? withoutDeviceInstance(registerLinks(this.#announced, settings.version)) : registerLinks(this.#announced, settings.version)),
      sendCon: (m) => this.#socket!.sendCon(m),
      onRegistered: () => this.observations.clear(),
      retryDelayMs: settings.registerRetryMs,
      timeScale: 1,
      faults: {
        omitVersionQuery: settings.faults.has('lwm2m-register-without-version'),
        neverUpdate: settings.faults.has('lwm2m-no-update-before-expiry'),
        updateToRd: settings.faults.has('lwm2m-update-to-rd'),
        noReregisterAfter404: settings.faults.has('lwm2m-no-reregister-after-404'),
        brokenLinks: settings.faults.has('lwm2m-bad-register-links'),
        binding: settings.faults.has('lwm2m-register-binding-1.1-letters') ? 'UN' : undefined,
        noDeregisterOnDisable: settings.faults.has('lwm2m-disable-without-deregister'),
      },
    });
    // The client of this fault Sends its Battery Level after each Register (1.1), every number typed as a string.
    if (settings.faults.has('lwm2m-send-values-as-strings') && settings.version === '1.1') {
      this.registration.onEvent((e) => { if (e.kind === 'registered') this.#later(0, () => void this.send([[3, 0, 9]]).catch(() => undefined)); });
    }
    this.bootstrap = settings.bootstrap === undefined ? undefined : this.#bootstrapClient(settings.bootstrap);
    if (this.bootstrap) this.#fallBackToBootstrap(settings.bootstrapAfterFailures ?? 3);
  }

  #firmwareUpdate(settings: ClientSettings): FirmwareUpdate {
    const f = settings.faults;
    const downloader = coapPackageDownloader({ localAddress: settings.localAddress, timing: settings.timing, maxBytes: settings.maxPackageBytes });
    return new FirmwareUpdate({
      maxPackageBytes: settings.maxPackageBytes,
      updateMs: 100,
      // The fault keeps Delivery Method 2 (push and pull) while the pull is missing.
      ...(f.has('lwm2m-fw-pull-unsupported-but-advertised') ? {} : { downloader }),
      onChange: () => { this.#changed([5, 0, 3]); this.#changed([5, 0, 5]); },
      ...packageChecker(settings.packageCheck, f.has('lwm2m-fw-blob-size-unchecked')),
      onRebooted: () => this.#reboot(),
      faults: {
        acceptsCorrupt: f.has('lwm2m-fw-corrupt-accepted'),
        skipsDownloading: f.has('lwm2m-fw-state-skips-downloading'),
        ignoresCancel: f.has('lwm2m-fw-cancel-ignored'),
        sticksAfterInterrupt: f.has('lwm2m-fw-interrupted-stuck'),
        noReboot: f.has('lwm2m-fw-update-no-reboot'),
        refusesIdleReset: f.has('lwm2m-fw-reset-refused-when-idle'),
      },
    });
  }

  /** After `limit` consecutive failed Registers, bootstrap again (ETS int-7). */
  #fallBackToBootstrap(limit: number): void {
    let failures = 0;
    this.registration.onEvent((e) => {
      if (e.kind === 'registered') failures = 0;
      if (e.kind !== 'register-failed' || ++failures < limit) return;
      failures = 0;
      this.#later(0, () => this.#rebootstrap());
    });
  }

  #bootstrapClient(bootstrap: Peer): BootstrapClient {
    const s = this.settings;
    useBootstrapAccount(this.store, `${s.dtls ? 'coaps' : 'coap'}://${bootstrap.address.includes(':') ? `[${bootstrap.address}]` : bootstrap.address}:${bootstrap.port}`);
    return new BootstrapClient({
      endpoint: s.endpoint, version: s.version, faults: s.faults, store: this.store, formats: supportedFormats(s.version), dmScheme: s.dtls ? 'coaps' : 'coap',
      sendCon: (m) => this.#socket!.sendCon(m), retryDelayMs: s.registerRetryMs, timeoutMs: s.bootstrapTimeoutMs ?? 60_000,
      onFinished: (account) => {
        if (account === 'unusable') return;
        const written = parseAccountUri(account.uri);
        // The fault keeps the server the client was configured with (or the bootstrap server when it has none).
        const server = s.faults.has('lwm2m-bs-ignores-server-uri') || written === undefined ? s.server : written;
        this.#serverIid = account.serverIid;
        this.#socket?.retarget(server);
        this.registration.start();
      },
    });
  }

  /** Open the socket and register. */
  async start(): Promise<void> {
    this.#socket = await CoapSocket.open({
      server: this.settings.bootstrap ?? this.settings.server,
      localAddress: this.settings.localAddress,
      localPort: this.settings.localPort,
      timing: this.settings.timing,
      retransmission: this.settings.faults.has('lwm2m-con-no-retransmit') ? 'none' : this.settings.faults.has('lwm2m-con-retransmit-too-fast') ? 'no-backoff' : 'rfc',
      hasDedup: !this.settings.faults.has('lwm2m-duplicate-executed-twice'),
      pingReply: this.settings.faults.has('lwm2m-ping-answered-bad-request') ? 'ACK 4.00' : 'RST',
      repair: (bytes, failure) => leniently(bytes, failure, this.settings.faults),
      onRequest: (m, peer) => this.#answer(m, peer),
      onReset: () => undefined,
      ...(this.settings.dtls ? { dtls: this.settings.dtls } : {}),
    });
    if (this.bootstrap) this.bootstrap.start();
    else if (this.settings.faults.has('lwm2m-slow-register')) this.#later(SLOW_REGISTER_MS, () => this.registration.start());
    else this.registration.start();
  }

  /** The bound local address. */
  get local(): Peer {
    return this.#socket!.local;
  }

  /** De-register (when registered) and close everything. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.observations.clear();
    this.bootstrap?.stop();
    // A De-register the server never answers must not hold the stop for the whole
    // retransmission budget (93 s): closing the socket ends it as a timeout.
    let bound: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => { bound = setTimeout(resolve, this.settings.timing.ackTimeoutMs * 2); });
    await Promise.race([this.registration.stop(true), giveUp]);
    clearTimeout(bound);
    this.observations.clear();
    this.firmware.dispose();
    await this.#socket?.close();
  }

  /**
   * Send (1.1): CON POST /dp with the values of `paths` in SenML CBOR. Resolves with the
   * server's response code, or `muted` when Server /1/0/23 Mute Send is true.
   */
  async send(paths: readonly Lwm2mPath[]): Promise<string> {
    if (this.settings.version === '1.0') throw new Error('Send needs LwM2M 1.1');
    const mute = this.store.read([1, 0, 23]);
    if (mute.ok && mute.value[0]?.value.type === 'boolean' && mute.value[0].value.value) return 'muted';
    const records = compositeRecords(this.#dm, paths);
    // Under a fault every value is sent as a SenML string (vs), whatever its resource type.
    const sent = this.settings.faults.has('lwm2m-send-values-as-strings') ? records.map(numberAsString) : records;
    const payload = encodeComposite(ContentFormat.SENML_CBOR, sent);
    const options = [{ number: CoapOption.URI_PATH, value: new TextEncoder().encode('dp') }, uintOpt(CoapOption.CONTENT_FORMAT, ContentFormat.SENML_CBOR)];
    const outcome = await this.#socket!.sendCon({ code: '0.02', token: newToken(), options, payload });
    return outcome.kind === 'response' ? outcome.message.code : outcome.kind;
  }

  #serverInt(rid: number): number {
    const r = this.store.read([1, this.#serverIid, rid]);
    const v = r.ok ? r.value[0]?.value : undefined;
    return v !== undefined && (v.type === 'integer' || v.type === 'unsigned') ? Number(v.value) : 0;
  }

  #later(ms: number, run: () => void): void {
    const t = setTimeout(() => { this.#timers.delete(t); run(); }, ms);
    this.#timers.add(t);
  }

  #changed(path: Lwm2mPath): void {
    this.observations.changed(path);
  }

  #context(): DmContext {
    const s = this.settings;
    return {
      version: s.version,
      store: this.store,
      attributes: this.attributes,
      observations: this.observations,
      faults: s.faults,
      formats: supportedFormats(s.version),
      announcedVersions: new Map(this.#announced.flatMap((a) => (a.announcedVersion === undefined ? [] : [[a.object.def.id, a.announcedVersion] as const]))),
      blockSizeBytes: s.blockSizeBytes,
      block1Szx: Math.log2(s.block1SizeBytes) - 4,
      block1Negotiation: s.block1Negotiation,
      maxBodyBytes: 4096,
      packageBlock: (offset, data, isLast, announcedBytes) => this.firmware.writePackageBlock(offset, data, isLast, announcedBytes),
      objectsChanged: () => this.#later(s.updateDelayMs, () => this.registration.triggerUpdate()),
      valueChanged: (p) => this.#changed(p),
    };
  }

  #hooks(): Map<number, ObjectHooks> {
    const execute = (entries: [number, (iid: number) => Refusal | void][]): ReadonlyMap<number, (iid: number, args: string) => Refusal | void> => new Map(entries);
    return new Map<number, ObjectHooks>([
      [1, {
        execute: execute([
          [4, () => this.#later(0, () => this.registration.disable(this.#serverInt(5)))],
          [8, () => this.#later(0, () => this.registration.triggerUpdate())],
          ...(this.settings.bootstrap === undefined ? [] : [[9, () => this.#later(0, () => this.#rebootstrap())] as [number, () => void]]),
        ]),
        // Under a fault a Lifetime write is stored but announced only at the next periodic Update.
        afterWrite: (_iid, rid) => { if (rid === 1 && !this.settings.faults.has('lwm2m-lifetime-write-no-update')) this.#later(this.settings.updateDelayMs, () => this.registration.triggerUpdate()); },
      }],
      [3, { execute: execute([[4, () => this.#reboot()], [5, () => undefined], [12, () => undefined]]) }],
      [5, {
        execute: execute([[2, () => this.#executeFirmwareUpdate()]]),
        afterWrite: (_iid, rid) => { if (rid === 1) this.firmware.writePackageUri(this.#packageUri()); },
      }],
    ]);
  }

  /** Bootstrap-Request Trigger (/1/x/9, ETS int-5): de-register, bootstrap again, register with what it writes. */
  #rebootstrap(): void {
    const bootstrap = this.bootstrap;
    if (bootstrap === undefined || bootstrap.isActive) return;
    let isDone = false;
    const proceed = (): void => {
      if (isDone) return;
      isDone = true;
      stop();
      this.observations.clear();
      this.#socket?.retarget(this.settings.bootstrap!);
      bootstrap.start();
    };
    const isRegistered = this.registration.state === 'registered';
    const stop = this.registration.onEvent((e) => { if (e.kind === 'deregistered') proceed(); });
    // Disable keeps the registration client quiet until the bootstrap hands over a server (re-registering ends it).
    this.registration.disable(86_400);
    // Without a registration there is nothing to de-register; an unanswered De-register must not hold the bootstrap back.
    this.#later(isRegistered ? this.settings.timing.ackTimeoutMs * 4 : 0, proceed);
  }

  #packageUri(): string {
    const r = this.store.read([5, 0, 1]);
    const v = r.ok ? r.value[0]?.value : undefined;
    return v?.type === 'string' ? v.value : '';
  }

  #executeFirmwareUpdate(): Refusal | void {
    if (this.settings.faults.has('lwm2m-fw-update-any-state') && this.firmware.state !== FwState.DOWNLOADED) {
      this.firmware.result = FwResult.SUCCESS;
      this.#changed([5, 0, 5]);
      return;
    }
    return this.firmware.executeUpdate();
  }

  #reboot(): void {
    if (this.settings.rebootMode === 'log') return;
    this.#later(50, () => {
      this.firmware.rebooted();
      this.observations.clear();
      this.attributes.clear();
      this.registration.reregister();
    });
  }

  #observedRecords(o: Pick<Observation, 'path' | 'composite'>): ValueRecord[] | undefined {
    if (o.composite !== undefined) return compositeRecords(this.#dm, o.composite);
    const r = this.store.read(o.path);
    return r.ok ? r.value : undefined;
  }

  async #notify(o: Observation): Promise<boolean> {
    const records = this.#observedRecords(o);
    if (records === undefined) return false;
    const payload = o.composite !== undefined ? { ok: true as const, value: encodeComposite(o.format, records) } : encodeContent(o.format, records, o.path);
    if (!payload.ok) return false;
    const seq = this.settings.faults.has('lwm2m-observe-seq-stuck') ? 1 : o.seq;
    const rsp = content(this.#dm, o.format, this.#wirePayload(o.format, payload.value), [uintOpt(CoapOption.OBSERVE, seq)]);
    const outcome = await this.#socket!.sendCon({ code: '2.05', token: o.token, options: rsp.options, payload: rsp.payload }, { isEmptyAckFinal: true });
    if (this.settings.faults.has('lwm2m-cancel-ignored')) return true;
    return outcome.kind === 'response';
  }

  #wirePayload(format: number, payload: Uint8Array): Uint8Array {
    const isTlv = format === ContentFormat.LWM2M_TLV || format === ContentFormat.LWM2M_TLV_LEGACY;
    return isTlv && this.settings.faults.has('lwm2m-tlv-length-off-by-one') ? tlvLengthOffByOne(payload) : payload;
  }

  #answer(request: CoapMessage, peer: Peer): HandlerAnswer {
    if (request.type === 'NON' && this.settings.faults.has('lwm2m-ignores-non')) return { kind: 'silent' };
    if (this.bootstrap?.isActive) return this.bootstrap.handle(request);
    const rsp: DmResponse = this.#handler.handle(request, `${peer.address}|${peer.port}`);
    const format = uintOptionOrUndefined(rsp, CoapOption.CONTENT_FORMAT);
    const message = { ...rsp, payload: format === undefined ? rsp.payload : this.#wirePayload(format, rsp.payload) };
    return answerWithWireFaults(request, message, this.settings.faults, () => this.#socket!.nextMessageId());
  }
}

/** `coap://HOST[:PORT]` of an account as a peer (5683 when the port is omitted); undefined when unparseable. */
function parseAccountUri(uri: string): Peer | undefined {
  const m = /^(coaps?):\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+)(?::(\d{1,5}))?\/?$/.exec(uri);
  const port = Number(m?.[3] ?? (m?.[1] === 'coaps' ? 5684 : 5683));
  return m === null || port < 1 || port > 65535 ? undefined : { address: m[2]!.replace(/^\[|\]$/g, ''), port };
}
