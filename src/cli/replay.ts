/**
 * `mgmt-conformance replay FILE`: send a crash reproducer's frames to a device again and say
 * whether it dies (no answer to the liveness fence afterwards, or its process exited); with
 * `--minimize`, drop frames while it still dies and write the minimal reproducer. Each replay of
 * a minimisation needs a fresh device: a `--target` of kind `sim` or `process` is started anew for
 * each, a device at `--smp` (or a board) is reset by `--reset-command` between replays. An SMP
 * reproducer's frames go to the device as SMP client; an LwM2M one's go from the harness's LwM2M
 * server to the endpoint once it registered (src/cli/replay-link.ts).
 * @see docs/architecture.md "Crashes, blocked cases and recovery"
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInTargets, DEFAULT_TIMEOUT_MS, loadTargets, resolveTarget, type SimLwm2mVersion, type TargetConfig } from '../config/index.ts';
import { TransportError, UsageError } from '../errors.ts';
import { minimizeFrames } from '../target/crash/minimize.ts';
import { readReproducer, writeReproducer, type Reproducer, type ReproducerFrame } from '../target/crash/reproducer.ts';
import { processExitOf } from '../target/process/process-exit.ts';
import { runResetCommand } from '../target/reset.ts';
import { formatFlagHelp, integerFlag, parseFlags, type CliIo, type FlagSpecs } from './args.ts';
import { connectionFromFlag } from './device-connection.ts';
import type { ReplayDevice, ReplayLink } from './replay-link.ts';

const FLAGS = {
  smp: { type: 'string', valueName: 'CONN', description: 'device: udp://HOST:PORT or serial:///dev/PATH?baud=N' },
  target: { type: 'string', valueName: 'NAME', description: 'a target from targets.json (sim and process targets are started fresh for each replay)' },
  targets: { type: 'string', valueName: 'FILE', description: 'targets file (default ./targets.json, else the built-in simulator)' },
  fault: { type: 'string', multiple: true, valueName: 'NAME', description: 'with a sim target: add this fault profile (repeatable)' },
  'lwm2m-version': { type: 'string', valueName: 'V', description: "an LwM2M reproducer on a sim target: the simulated client's version, 1.0 or 1.1 (default: the target's first)" },
  'reset-command': { type: 'string', valueName: 'CMD', description: 'with --smp or a board target: the command (split on spaces, no shell) that resets the device between replays' },
  minimize: { type: 'boolean', description: 'drop frames while the device still dies; write the minimal reproducer' },
  out: { type: 'string', valueName: 'FILE', description: 'where --minimize writes (default FILE with .min.jsonl)' },
  timeout: { type: 'string', valueName: 'MS', description: `wait for the liveness fence's answer (default: the target's timeoutMs, ${DEFAULT_TIMEOUT_MS})` },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies FlagSpecs;

const USAGE = `usage: mgmt-conformance replay FILE (--smp CONN [--reset-command CMD] | --target NAME [--fault NAME]... [--lwm2m-version V]) [--minimize [--out FILE]] [--timeout MS]

Sends the frames of a crash reproducer (reports/<target>/crash-CASE-ID.jsonl) to the device again
and checks whether it died. SMP frames go to the device; LwM2M frames go from the harness's LwM2M
server (at the target's lwm2m.listen) to the endpoint once it registered. Exit 1 when the device
died (the crash reproduces), 0 when it survived, 2 on a usage or setup error.

${formatFlagHelp(FLAGS)}`;

/** Longest pause kept between two frames (the original gaps include the harness's own work). */
const MAX_GAP_MS = 200;
/** Time the device gets to fall over after the last frame, before the fence. */
const SETTLE_MS = 100;

/** A fresh device for replay number `replay` (0 first), over the reproducer's protocol. */
type Opener = (replay: number, timeoutMs: number) => Promise<ReplayLink>;

type ReplayFlags = { smp?: string; target?: string; targets?: string; fault?: string[]; 'reset-command'?: string; 'lwm2m-version'?: string };

async function targetOf(flags: { target?: string; targets?: string }): Promise<TargetConfig> {
  const file = flags.targets !== undefined || existsSync('targets.json') ? await loadTargets(flags.targets ?? 'targets.json') : builtInTargets();
  return resolveTarget(file, flags.target);
}

/** The `--reset-command` argv, when given. */
function resetOf(flags: ReplayFlags): string[] | undefined {
  return flags['reset-command']?.split(/\s+/).filter((a) => a !== '');
}

/** A device the replay does not start (at `--smp`, a board): reset between replays by `--reset-command`. */
async function resetBetweenReplays(replay: number, reset: string[] | undefined, what: string): Promise<void> {
  if (replay === 0) return;
  if (reset === undefined) throw new UsageError(`replay: --minimize against ${what} needs --reset-command to bring the device back between replays`);
  await runResetCommand(reset);
}

/** How each replay gets its SMP device. */
async function smpOpenerOf(flags: ReplayFlags): Promise<{ open: Opener; timeoutMs: number | undefined }> {
  // Loaded once the flags are parsed: --help and usage errors never load a client or a transport.
  const { smpReplayLink } = await import('./replay-link.ts');
  if (flags.smp !== undefined) {
    if (flags.target !== undefined) throw new UsageError('replay: give --smp or --target, not both');
    const smp = flags.smp;
    connectionFromFlag('--smp', smp);
    const reset = resetOf(flags);
    return {
      timeoutMs: undefined,
      open: async (replay, timeoutMs) => {
        await resetBetweenReplays(replay, reset, '--smp');
        return smpReplayLink({ smp, exited: () => false, stop: async () => undefined }, timeoutMs);
      },
    };
  }
  const target = await targetOf(flags);
  const { startProcessDevice, startSimulatorDevice } = await import('../target/device-start.ts');
  if (target.kind === 'sim') {
    const faults = [...(target.sim?.faults ?? []), ...(flags.fault ?? [])];
    return {
      timeoutMs: target.timeoutMs,
      open: async (_replay, timeoutMs) => {
        const device = await startSimulatorDevice({ transport: 'udp', faults, sim: target.sim });
        return smpReplayLink({ smp: device.smp ?? '', exited: () => false, stop: () => device.stop() }, timeoutMs);
      },
    };
  }
  if (target.kind === 'process') {
    return {
      timeoutMs: target.timeoutMs,
      open: async (_replay, timeoutMs) => {
        const dir = mkdtempSync(join(tmpdir(), 'mgmt-replay-'));
        const device = await startProcessDevice(target, dir);
        const files = device.files;
        const replayDevice: ReplayDevice = {
          smp: device.smp ?? '',
          exited: () => (files ? processExitOf({ device: files }) !== undefined : false),
          stop: async () => {
            await device.stop();
            rmSync(dir, { recursive: true, force: true });
          },
        };
        return smpReplayLink(replayDevice, timeoutMs);
      },
    };
  }
  if (target.smp === undefined) throw new UsageError(`replay: target '${target.name}' has no SMP connection string`);
  return smpOpenerOf({ ...flags, smp: target.smp, target: undefined } as typeof flags);
}

function lwm2mVersionOf(flags: ReplayFlags, target: TargetConfig): SimLwm2mVersion {
  const given = flags['lwm2m-version'];
  if (given === undefined) return target.sim?.lwm2m?.versions?.[0] ?? '1.1';
  if (given !== '1.0' && given !== '1.1') throw new UsageError(`replay: --lwm2m-version is 1.0 or 1.1, not '${given}'`);
  return given;
}

/** How each replay gets its LwM2M device: the target's, registered with a fresh server. */
async function lwm2mOpenerOf(flags: ReplayFlags): Promise<{ open: Opener; timeoutMs: number | undefined }> {
  if (flags.smp !== undefined) throw new UsageError('replay: an LwM2M reproducer needs --target NAME (a target with an lwm2m block, or sim), not --smp');
  const target = await targetOf(flags);
  if (target.kind !== 'sim' && target.lwm2m === undefined) throw new UsageError(`replay: target '${target.name}' has no lwm2m block`);
  const version = lwm2mVersionOf(flags, target);
  const faults = target.kind === 'sim' ? [...(target.sim?.faults ?? []), ...(flags.fault ?? [])] : [];
  const isStarted = target.kind === 'sim' || target.kind === 'process';
  const { lwm2mReplayLink } = await import('./replay-link.ts');
  const reset = resetOf(flags);
  return {
    timeoutMs: target.timeoutMs,
    open: async (replay, timeoutMs) => {
      if (!isStarted) await resetBetweenReplays(replay, reset, `target '${target.name}'`);
      return lwm2mReplayLink(target, { faults, version, timeoutMs });
    },
  };
}

/** Send `frames` to a fresh device; true when it died. */
async function replayOnce(open: Opener, replay: number, frames: readonly ReproducerFrame[], timeoutMs: number): Promise<boolean> {
  const link = await open(replay, timeoutMs);
  try {
    if (!(await link.answers())) throw new TransportError(`the device at ${link.where} does not answer before the replay`);
    for (const f of frames) {
      if (f.gapMs > 0) await new Promise((r) => setTimeout(r, Math.min(f.gapMs, MAX_GAP_MS)));
      await link.send(f);
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return link.exited() || !(await link.answers());
  } finally {
    await link.stop();
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
  const { open, timeoutMs: targetTimeout } = reproducer.header.protocol === 'lwm2m' ? await lwm2mOpenerOf(flags) : await smpOpenerOf(flags);
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
