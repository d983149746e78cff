/**
 * `mgmt-conformance replay FILE`: send a crash reproducer's frames to a device again and say
 * whether it dies (no answer to the liveness fence afterwards, or its process exited); with
 * `--minimize`, drop frames while it still dies and write the minimal reproducer. Each replay of
 * a minimisation needs a fresh device: a `--target` of kind `sim` or `process` is started anew for
 * each, a device at `--smp` is reset by `--reset-command` between replays.
 * @see docs/architecture.md "Crashes, blocked cases and recovery"
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmpClient } from '../client/smp-client.ts';
import { smpRequest } from '../codec/smp/command.ts';
import { osCommands } from '../codec/smp/groups/os.ts';
import { fromHex } from '../core/bytes.ts';
import { builtInTargets, DEFAULT_TIMEOUT_MS, loadTargets, resolveTarget, type TargetConfig } from '../config/index.ts';
import { TransportError, UsageError } from '../errors.ts';
import { minimizeFrames } from '../target/crash/minimize.ts';
import { readReproducer, writeReproducer, type Reproducer, type ReproducerFrame } from '../target/crash/reproducer.ts';
import { processExitOf } from '../target/process/process-exit.ts';
import { runResetCommand } from '../target/reset.ts';
import { openTransport } from '../transport/open.ts';
import { formatFlagHelp, integerFlag, parseFlags, type CliIo, type FlagSpecs } from './args.ts';
import { connectionFromFlag } from './device-connection.ts';

const FLAGS = {
  smp: { type: 'string', valueName: 'CONN', description: 'device: udp://HOST:PORT or serial:///dev/PATH?baud=N' },
  target: { type: 'string', valueName: 'NAME', description: 'a target from targets.json (sim and process targets are started fresh for each replay)' },
  targets: { type: 'string', valueName: 'FILE', description: 'targets file (default ./targets.json, else the built-in simulator)' },
  fault: { type: 'string', multiple: true, valueName: 'NAME', description: 'with a sim target: add this fault profile (repeatable)' },
  'reset-command': { type: 'string', valueName: 'CMD', description: 'with --smp: the command (split on spaces, no shell) that resets the device between replays' },
  minimize: { type: 'boolean', description: 'drop frames while the device still dies; write the minimal reproducer' },
  out: { type: 'string', valueName: 'FILE', description: 'where --minimize writes (default FILE with .min.jsonl)' },
  timeout: { type: 'string', valueName: 'MS', description: `wait for the liveness fence's answer (default: the target's timeoutMs, ${DEFAULT_TIMEOUT_MS})` },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies FlagSpecs;

const USAGE = `usage: mgmt-conformance replay FILE (--smp CONN [--reset-command CMD] | --target NAME [--fault NAME]...) [--minimize [--out FILE]] [--timeout MS]

Sends the frames of a crash reproducer (reports/<target>/crash-CASE-ID.jsonl) to the device again
and checks whether it died. Exit 1 when the device died (the crash reproduces), 0 when it
survived, 2 on a usage or setup error.

${formatFlagHelp(FLAGS)}`;

/** Longest pause kept between two frames (the original gaps include the harness's own work). */
const MAX_GAP_MS = 200;
/** Time the device gets to fall over after the last frame, before the fence. */
const SETTLE_MS = 100;

/** One fresh device for a replay: its connection string, and how to check for and stop it. */
interface ReplayDevice {
  smp: string;
  exited(): boolean;
  stop(): Promise<void>;
}

type Opener = (replay: number) => Promise<ReplayDevice>;

async function targetOf(flags: { target?: string; targets?: string }): Promise<TargetConfig> {
  const file = flags.targets !== undefined || existsSync('targets.json') ? await loadTargets(flags.targets ?? 'targets.json') : builtInTargets();
  return resolveTarget(file, flags.target);
}

/** How each replay gets its device. */
async function openerOf(flags: { smp?: string; target?: string; targets?: string; fault?: string[]; 'reset-command'?: string }): Promise<{ open: Opener; timeoutMs: number | undefined }> {
  if (flags.smp !== undefined) {
    if (flags.target !== undefined) throw new UsageError('replay: give --smp or --target, not both');
    const smp = flags.smp;
    connectionFromFlag('--smp', smp);
    const reset = flags['reset-command']?.split(/\s+/).filter((a) => a !== '');
    return {
      timeoutMs: undefined,
      open: async (replay) => {
        if (replay > 0 && reset === undefined) throw new UsageError('replay: --minimize against --smp needs --reset-command to bring the device back between replays');
        if (replay > 0 && reset !== undefined) await runResetCommand(reset);
        return { smp, exited: () => false, stop: async () => undefined };
      },
    };
  }
  const target = await targetOf(flags);
  const { startProcessDevice, startSimulatorDevice } = await import('../target/device-start.ts');
  if (target.kind === 'sim') {
    const faults = [...(target.sim?.faults ?? []), ...(flags.fault ?? [])];
    return {
      timeoutMs: target.timeoutMs,
      open: async () => {
        const device = await startSimulatorDevice({ transport: 'udp', faults, sim: target.sim });
        return { smp: device.smp ?? '', exited: () => false, stop: () => device.stop() };
      },
    };
  }
  if (target.kind === 'process') {
    return {
      timeoutMs: target.timeoutMs,
      open: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'mgmt-replay-'));
        const device = await startProcessDevice(target, dir);
        const files = device.files;
        return {
          smp: device.smp ?? '',
          exited: () => (files ? processExitOf({ device: files }) !== undefined : false),
          stop: async () => {
            await device.stop();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    };
  }
  if (target.smp === undefined) throw new UsageError(`replay: target '${target.name}' has no SMP connection string`);
  return openerOf({ ...flags, smp: target.smp, target: undefined } as typeof flags);
}

async function answersEcho(client: SmpClient, timeoutMs: number): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await client.request(smpRequest(osCommands.echo, { d: 'replay-fence' }), { timeoutMs });
      return true;
    } catch {
      // Silence or a closed link: ask once more (one lost datagram is not a death).
    }
  }
  return false;
}

/** Send `frames` to a fresh device; true when it died. */
async function replayOnce(open: Opener, replay: number, frames: readonly ReproducerFrame[], timeoutMs: number): Promise<boolean> {
  const device = await open(replay);
  try {
    const client = new SmpClient(await openTransport(connectionFromFlag('device', device.smp)), { timeoutMs });
    try {
      if (!(await answersEcho(client, timeoutMs))) throw new TransportError(`the device at ${device.smp} does not answer before the replay`);
      for (const f of frames) {
        if (f.gapMs > 0) await new Promise((r) => setTimeout(r, Math.min(f.gapMs, MAX_GAP_MS)));
        await client.sendRaw(fromHex(f.hex), { framed: f.framed }).catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      return device.exited() || !(await answersEcho(client, timeoutMs));
    } finally {
      await client.close().catch(() => undefined);
    }
  } finally {
    await device.stop();
  }
}

function minimizedPath(file: string, out: string | undefined): string {
  return out ?? file.replace(/(\.jsonl)?$/, '.min.jsonl');
}

/** `replay` entry point. */
export async function replayCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('replay', argv, FLAGS, 1);
  if (flags.help) {
    io.stdout(USAGE);
    return 0;
  }
  const file = positionals[0];
  if (file === undefined) throw new UsageError('replay: name the reproducer file (see mgmt-conformance replay --help)');
  if (flags.smp === undefined && flags.target === undefined && flags.targets === undefined && !existsSync('targets.json')) throw new UsageError('replay: give --smp CONN or --target NAME');
  const reproducer: Reproducer = readReproducer(file);
  if (reproducer.header.protocol !== 'smp') throw new UsageError(`replay: ${file} holds ${reproducer.header.protocol} frames; replay sends SMP frames only`);
  const { open, timeoutMs: targetTimeout } = await openerOf(flags);
  const timeoutMs = flags.timeout !== undefined ? integerFlag('replay', 'timeout', flags.timeout, 1, 600_000) : (targetTimeout ?? DEFAULT_TIMEOUT_MS);
  let replay = 0;
  const dies = (frames: readonly ReproducerFrame[]): Promise<boolean> => replayOnce(open, replay++, frames, timeoutMs);
  io.stdout(`replaying ${reproducer.frames.length} frame(s) of ${reproducer.header.caseId} (${reproducer.header.cause})`);
  if (!flags.minimize) {
    const died = await dies(reproducer.frames);
    io.stdout(died ? 'the device died again: the crash reproduces' : 'the device survived: the crash does not reproduce');
    return died ? 1 : 0;
  }
  let result;
  try {
    result = await minimizeFrames(reproducer.frames, dies);
  } catch (e) {
    io.stdout(`the device survived: the crash does not reproduce (${(e as Error).message})`);
    return 0;
  }
  const out = writeReproducer(minimizedPath(file, flags.out), { header: reproducer.header, frames: result.frames });
  io.stdout(`minimal reproducer: ${result.frames.length} of ${reproducer.frames.length} frame(s) after ${result.replays} replays, written to ${out}`);
  return 1;
}
