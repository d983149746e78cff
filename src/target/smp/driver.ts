/**
 * The SMP side of a Session: the client over the target's link, readiness by MCUmgr params,
 * capability discovery, and the liveness check (echo, else MCUmgr params).
 * @see docs/spec/smp.md §3.1.1, §3.1.6, §7
 */
import { maxRequestBytes, SERIAL_BUFFER_OVERHEAD_BYTES } from '../../client/chunk-size.ts';
import { RttHistograms } from '../../client/timing/index.ts';
import { SmpClient } from '../../client/smp-client.ts';
import { smpRequest } from '../../codec/smp/command.ts';
import { osCommands } from '../../codec/smp/groups/index.ts';
import type { ListenAddresses } from '../../config/index.ts';
import { TraceLog } from '../../core/trace.ts';
import type { Transport } from '../../core/transport.ts';
import { ResponseTimeoutError, TransportClosedError, TransportError } from '../../errors.ts';
import { parseConnectionString } from '../../transport/connection-string.ts';
import { openLink } from '../lifecycle.ts';
import type { AliveResult, DriverDiscovery, DriverOpenContext, ProtocolDriver, ReadyResult } from '../protocol-driver.ts';
import { assumedCapabilities, discoverCapabilities, type DiscoveryResult } from './capabilities.ts';
import { waitUntilReady } from './readiness.ts';
import { measureTransportMtu, type TransportMtu } from './transport-mtu.ts';

/** How the SMP driver is set up. */
export interface SmpDriverOptions {
  /** Per-request timeout. */
  timeoutMs: number;
  /** Capabilities declared in targets.json. */
  declared: readonly string[];
  /** The target is the built-in simulator (it implements every smp_svr command). */
  isReferenceSimulator: boolean;
  /** Use this transport instead of opening the connection string (unit tests: a memory pair). */
  transport?: Transport | undefined;
  /** Kind reported for an injected transport (default: its `kind`). */
  transportKind?: string | undefined;
  /** The serial transport MTU declared for the target (else `?mtu=N`, else measured). */
  mtu?: number | undefined;
}

/**
 * SMP buffer size assumed when the device does not report MCUmgr params: Zephyr's default
 * `CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE`.
 * @see docs/spec/smp.md §4.7
 */
const ASSUMED_BUF_SIZE_BYTES = 384;

/** The SMP protocol driver. */
export class SmpDriver implements ProtocolDriver {
  readonly name = 'smp' as const;
  readonly #options: SmpDriverOptions;
  readonly #trace = new TraceLog();
  /** Round trips of every answered request, per command (summary.json `timing`). */
  readonly timing = new RttHistograms();
  readonly #onReply = (command: string, rttMs: number): void => this.timing.record(command, rttMs);
  #client: SmpClient | undefined;
  #transport: Transport | undefined;
  #connection = '';
  #transportKind = '';
  #discovered: DiscoveryResult | undefined;
  #mtu: TransportMtu | undefined;

  constructor(options: SmpDriverOptions) {
    this.#options = options;
  }

  get trace(): TraceLog {
    return this.#client?.trace ?? this.#trace;
  }

  /** The SMP client (a new one after `reopenIfClosed`); throws before `open`. */
  get client(): SmpClient {
    if (!this.#client) throw new TransportClosedError('the SMP link is not open');
    return this.#client;
  }

  /** `udp`, `serial`, `memory`. */
  get transportKind(): string {
    return this.#transportKind;
  }

  /** Connection string in use (an injected transport's description). */
  get connection(): string {
    return this.#connection;
  }

  /** SMP header versions the device answers, and its MCUmgr parameters (after `discover`). */
  get smpVersions(): { v1: boolean; v2: boolean } {
    return this.#discovered?.smpVersions ?? { v1: false, v2: false };
  }

  get params(): { bufSize: number; bufCount: number } | undefined {
    return this.#discovered?.params;
  }

  /** The serial transport MTU (declared with `?mtu=N` or measured in `discover`); undefined on other links. */
  get transportMtu(): TransportMtu | undefined {
    return this.#mtu;
  }

  /**
   * Largest request packet the harness builds on purpose: min(buf_size, transport MTU, UDP 1500).
   * @see docs/spec/smp.md §4.1, §4.3, §4.7
   */
  get maxRequestBytes(): number {
    const bufSize = this.params?.bufSize ?? ASSUMED_BUF_SIZE_BYTES;
    return maxRequestBytes({ kind: this.#transportKind, bufSize, maxPacketBytes: this.#mtu?.bytes });
  }

  async listen(): Promise<ListenAddresses> {
    return {};
  }

  async open(context: DriverOpenContext): Promise<void> {
    const injected = this.#options.transport;
    if (injected) {
      this.#transport = injected;
      this.#transportKind = this.#options.transportKind ?? injected.kind;
      this.#connection = injected.description;
    } else {
      if (context.smp === undefined) throw new TransportError(`target ${context.target.name} has no SMP connection string`);
      this.#transport = await openLink(context.smp);
      this.#connection = context.smp;
      this.#transportKind = context.smp.startsWith('serial:') ? 'serial' : 'udp';
    }
    this.#client = new SmpClient(this.#transport, { timeoutMs: this.#options.timeoutMs, trace: this.#trace, onReply: this.#onReply });
    const spec = parseConnectionString(this.#connection);
    const declaredMtu = this.#options.mtu ?? (spec.ok && spec.value.scheme === 'serial' ? spec.value.mtu : undefined);
    this.#mtu = declaredMtu === undefined ? undefined : { bytes: declaredMtu, source: 'declared' };
  }

  waitReady(options: { timeoutMs: number }): Promise<ReadyResult> {
    return waitUntilReady(this.client, { readyTimeoutMs: options.timeoutMs, attemptMs: Math.min(this.#options.timeoutMs, 1000) });
  }

  /**
   * Discover capabilities; a device that answers but not to the requests (readiness saw only
   * mismatched packets, or discovery stops getting replies) gets assumed capabilities and a
   * recorded problem instead of an unreachable verdict.
   */
  async discover(ready: ReadyResult): Promise<DriverDiscovery> {
    const base = { transportKind: this.#transportKind, declared: this.#options.declared };
    if (ready.mismatch !== undefined) this.#discovered = assumedCapabilities({ ...base, problem: `the device answered with ${ready.mismatch}` });
    else {
      try {
        this.#discovered = await discoverCapabilities(this.client, { ...base, isReferenceSimulator: this.#options.isReferenceSimulator });
      } catch (e) {
        if (!(e instanceof ResponseTimeoutError)) throw e;
        this.#discovered = assumedCapabilities({ ...base, problem: `the device stopped answering during capability discovery (${e.message})` });
      }
    }
    await this.#measureMtu();
    const identity = this.#mtu === undefined ? this.#discovered.identity : { ...this.#discovered.identity, transportMtu: { bytes: this.#mtu.bytes ?? null, source: this.#mtu.source } };
    return { statuses: this.#discovered.statuses, identity, problem: this.#discovered.problem };
  }

  /** Serial links without a declared MTU: measure it by echo when the device has echo. */
  async #measureMtu(): Promise<void> {
    if (this.#mtu !== undefined || this.#transportKind !== 'serial' || this.#discovered?.statuses.get('smp.os.echo')?.present !== true) return;
    const ceilingBytes = (this.params?.bufSize ?? ASSUMED_BUF_SIZE_BYTES) - SERIAL_BUFFER_OVERHEAD_BYTES;
    this.#mtu = await measureTransportMtu(this.client, { ceilingBytes, timeoutMs: this.#options.timeoutMs });
  }

  /** Echo when the device has it, else MCUmgr params; neither: unchecked. */
  async alive(options: { timeoutMs: number; hasCapability: (name: string) => boolean }): Promise<AliveResult> {
    const client = this.client;
    try {
      if (options.hasCapability('smp.os.echo')) {
        const d = `alive-${client.nextSeq()}`;
        const reply = await client.request(smpRequest(osCommands.echo, { d }), { timeoutMs: options.timeoutMs });
        const body = reply.body;
        return body.kind === 'ok' && body.rsp['r'] === d ? { kind: 'alive' } : { kind: 'dead', expected: `echo answered with "r": "${d}"`, actual: body.kind };
      }
      if (options.hasCapability('smp.os.params')) {
        const reply = await client.request(smpRequest(osCommands.mcumgrParams, {}), { timeoutMs: options.timeoutMs });
        return reply.body.kind === 'ok' ? { kind: 'alive' } : { kind: 'dead', expected: 'MCUmgr params answered', actual: reply.body.kind };
      }
      return { kind: 'unchecked', reason: 'the target has neither echo nor MCUmgr params' };
    } catch (e) {
      if (!(e instanceof ResponseTimeoutError)) throw e;
      return { kind: 'dead', expected: 'the device still answers after the case', actual: `no answer within ${e.timeoutMs} ms`, silent: true };
    }
  }

  /**
   * Reopen the link when it closed (a USB serial port that re-enumerated after a reset); the
   * trace carries on. Injected transports cannot be reopened.
   */
  async reopenIfClosed(targetName: string): Promise<void> {
    if (!this.#transport?.isClosed) return;
    if (this.#options.transport) throw new TransportError(`the link to ${targetName} closed and cannot be reopened`);
    const transport = await openLink(this.#connection);
    const old = this.#client;
    this.#client = new SmpClient(transport, { timeoutMs: this.#options.timeoutMs, trace: this.#trace, onReply: this.#onReply });
    this.#transport = transport;
    await old?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.#client?.close().catch(() => undefined);
  }
}
