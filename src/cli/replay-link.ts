/**
 * The links `replay` sends a reproducer's frames over, one fresh device each: SMP (the harness as
 * SMP client of the device) and LwM2M (the harness as the LwM2M server the device registers with,
 * sending the frames to the registered endpoint). Each says whether the device still answers.
 * @see docs/architecture.md "Crashes, blocked cases and recovery", "Listeners before devices"
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmpClient } from '../client/smp-client.ts';
import { smpRequest } from '../codec/smp/command.ts';
import { osCommands } from '../codec/smp/groups/os.ts';
import { fromHex } from '../core/bytes.ts';
import { DEFAULT_REGISTRATION_TIMEOUT_MS, runTargetOf, type SimLwm2mVersion, type TargetConfig } from '../config/index.ts';
import { TransportError } from '../errors.ts';
import type { ReproducerFrame } from '../target/crash/reproducer.ts';
import type { StartedDevice } from '../target/device-start.ts';
import { Lwm2mDriver } from '../target/lwm2m/driver.ts';
import { processExitOf } from '../target/process/process-exit.ts';
import { openTransport } from '../transport/open.ts';
import { connectionFromFlag } from './device-connection.ts';
import { SIM_LWM2M_ENDPOINTS, SIM_LWM2M_LISTEN } from './run-targets.ts';

/** A fresh device for one replay, reached over the reproducer's protocol. */
export interface ReplayLink {
  /** Where the device is, for messages. */
  readonly where: string;
  /** Send one frame as it was sent (errors of a dying link are swallowed: the fence judges). */
  send(frame: ReproducerFrame): Promise<void>;
  /** True when the device answers the liveness fence (asked twice: one lost datagram is not a death). */
  answers(): Promise<boolean>;
  /** True when the device's process is known to have exited. */
  exited(): boolean;
  /** Stop the device and close the link; never throws. */
  stop(): Promise<void>;
}

/** A device started for a replay (or one already running, `stop` then does nothing). */
export interface ReplayDevice {
  smp: string;
  exited(): boolean;
  stop(): Promise<void>;
}

async function answersEcho(client: SmpClient, timeoutMs: number): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await client.request(smpRequest(osCommands.echo, { d: 'replay-fence' }), { timeoutMs });
      return true;
    } catch {
      // Silence or a closed link: ask once more.
    }
  }
  return false;
}

/** An SMP link to `device`; the device is stopped when the link cannot be opened. */
export async function smpReplayLink(device: ReplayDevice, timeoutMs: number): Promise<ReplayLink> {
  let client: SmpClient;
  try {
    client = new SmpClient(await openTransport(connectionFromFlag('device', device.smp)), { timeoutMs });
  } catch (e) {
    await device.stop();
    throw e;
  }
  return {
    where: device.smp,
    send: (f) => client.sendRaw(fromHex(f.hex), { framed: f.framed }).catch(() => undefined),
    answers: () => answersEcho(client, timeoutMs),
    exited: () => device.exited(),
    stop: async () => {
      await client.close().catch(() => undefined);
      await device.stop();
    },
  };
}

/** The LwM2M side of `target` as a run of it would use it (a `sim` target: its simulated client of `version`). */
export function lwm2mTargetOf(target: TargetConfig, version: SimLwm2mVersion): TargetConfig & { lwm2m: NonNullable<TargetConfig['lwm2m']> } {
  if (target.lwm2m !== undefined && target.kind !== 'sim') return { ...target, lwm2m: target.lwm2m };
  if (target.kind !== 'sim') throw new TransportError(`target ${target.name} has no lwm2m block`);
  const given = target.lwm2m;
  return {
    ...target,
    lwm2m: {
      ...given,
      listen: given?.listen ?? SIM_LWM2M_LISTEN,
      endpoint: given?.endpoint ?? SIM_LWM2M_ENDPOINTS[version],
      registrationTimeoutMs: given?.registrationTimeoutMs ?? DEFAULT_REGISTRATION_TIMEOUT_MS,
    },
  };
}

/** What an LwM2M replay device needs besides its target. */
export interface Lwm2mReplayOptions {
  /** Simulator fault profiles (a `sim` target). */
  faults: readonly string[];
  /** Client version of a `sim` target. */
  version: SimLwm2mVersion;
  /** Per-request bound of the liveness fence. */
  timeoutMs: number;
}

/**
 * Listen as the target's LwM2M server, start the device pointed at it (a `sim` or `process`
 * target; a board must be pointed at the listen address and registers by itself) and wait for
 * its registration; the frames then go to the registered endpoint's address.
 */
export async function lwm2mReplayLink(given: TargetConfig, options: Lwm2mReplayOptions): Promise<ReplayLink> {
  const target = lwm2mTargetOf(given, options.version);
  const version = `lwm2m-${options.version}`;
  const run = runTargetOf(target, { transport: version, seed: 1, isStrict: false, faults: [...options.faults], listening: {}, protocols: ['lwm2m'], lwm2mVersion: options.version });
  const simAck = target.kind === 'sim' ? target.sim?.lwm2m?.ackTimeoutMs : undefined;
  const driver = new Lwm2mDriver({ lwm2m: target.lwm2m, timeoutMs: options.timeoutMs, declared: [], ...(simAck !== undefined ? { simAckTimeoutMs: simAck } : {}) });
  let device: StartedDevice | undefined;
  let dir: string | undefined;
  const stop = async (): Promise<void> => {
    await driver.close();
    await device?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const listening = await driver.listen();
    if (target.kind === 'process') {
      const { startProcessDevice } = await import('../target/device-start.ts');
      dir = mkdtempSync(join(tmpdir(), 'mgmt-replay-'));
      device = await startProcessDevice(target, dir, listening);
    } else if (target.kind === 'sim') {
      const { startDeviceInWorker } = await import('../target/lifecycle.ts');
      device = await startDeviceInWorker({ ...run, listening }, listening);
    }
    await driver.open({ target: run, smp: undefined, listening });
    await driver.waitReady({ timeoutMs: target.lwm2m.registrationTimeoutMs });
    if (driver.unreachable !== undefined) throw new TransportError(driver.unreachable);
  } catch (e) {
    await stop();
    throw e;
  }
  const files = device?.files;
  const peer = driver.registration().peer;
  return {
    where: `${target.lwm2m.endpoint} at ${peer.address}:${peer.port}`,
    send: (f) => driver.server.coap.sendRaw(fromHex(f.hex), peer).catch(() => undefined),
    answers: async () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        const alive = await driver.alive({ timeoutMs: options.timeoutMs }).catch(() => undefined);
        // Only silence is death; a wrong answer is the device still talking.
        if (alive !== undefined && !(alive.kind === 'dead' && alive.silent === true)) return true;
      }
      return false;
    },
    exited: () => (files ? processExitOf({ device: files }) !== undefined : false),
    stop,
  };
}
