/**
 * Resetting a target the way its targets.json `reset` says: `smp` (OS reset over the session's
 * SMP client), `command` (an argv run to completion: `nrfjprog --reset`, a relay script),
 * `restart` (a process target: told to reboot over SMP; it exits and its supervisor starts it
 * again), or `none` (the device cannot be reset); a device reached only over LwM2M gets the
 * Device object's Reboot (Execute /3/0/4) for `smp`. Readiness afterwards: SMP answers again, the
 * LwM2M client registers anew, or a console line of a process target's output matches
 * `consolePattern`. The time from the reset to ready is measured.
 * @see docs/spec/smp.md §3.1.5
 */
import { spawn } from 'node:child_process';
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { smpRequest } from '../codec/smp/command.ts';
import { osCommands } from '../codec/smp/groups/index.ts';
import { resetOf, type ResetOptions, type RunTarget } from '../config/index.ts';
import type { SmpClient } from '../client/smp-client.ts';
import { TransportError } from '../errors.ts';

/** The LwM2M side of a reset: the Device object's Reboot, and the client's next registration. */
export interface ResetLwm2mSide {
  /** Execute /3/0/4 (Reboot): the LwM2M form of an OS reset, for a device without an SMP link. */
  reboot(): Promise<void>;
  /** Resolves once the endpoint registers anew (a Register after the call); rejects after `timeoutMs`. */
  awaitReregistration(timeoutMs: number): Promise<void>;
}

/** What a reset needs from the session. */
export interface ResetContext {
  target: RunTarget;
  smp: SmpClient | undefined;
  /** The LwM2M side, when the target has one. */
  lwm2m?: ResetLwm2mSide | undefined;
  /** Wait until the device answers again (SMP readiness); resolves with the ms waited. */
  awaitReady(options: { timeoutMs?: number }): Promise<number>;
}

/** How long a reset command may run. */
export const RESET_COMMAND_TIMEOUT_MS = 60_000;

/** Run a reset command (argv, no shell) to completion; rejects with its status and last output. */
export function runResetCommand(argv: readonly string[], timeoutMs = RESET_COMMAND_TIMEOUT_MS): Promise<void> {
  const [program, ...args] = argv;
  if (program === undefined) return Promise.reject(new TransportError('reset command is empty'));
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer): void => void (output = (output + d.toString()).slice(-2000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new TransportError(`reset command ${program}: ${e.message}`, { cause: e }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const last = output.trim().split('\n').slice(-3).join(' | ');
      if (code === 0) resolve();
      else reject(new TransportError(`reset command ${argv.join(' ')} ${signal ? `killed by ${signal}` : `exited with code ${code}`}${last ? `: ${last}` : ''}`));
    });
  });
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readFrom(path: string, offset: number): string {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const buf = Buffer.alloc(Math.max(0, size - offset));
    readSync(fd, buf, 0, buf.length, offset);
    return buf.toString();
  } finally {
    closeSync(fd);
  }
}

/** Wait until the process target's output (after `offset`) has a line matching `pattern`. */
async function awaitConsoleLine(output: string, offset: number, pattern: RegExp, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (readFrom(output, offset).split('\n').some((l) => pattern.test(l))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new TransportError(`no console line matching /${pattern.source}/ within ${timeoutMs} ms after the reset`);
}

/** The LwM2M client's next registration (readiness `lwm2m-register`). */
function awaitLwm2mRegistration(ctx: ResetContext, timeoutMs: number): Promise<void> {
  if (!ctx.lwm2m) return Promise.reject(new TransportError(`target ${ctx.target.name}: readiness "lwm2m-register" needs the LwM2M side`));
  return ctx.lwm2m.awaitReregistration(timeoutMs);
}

async function triggerReset(reset: ResetOptions, ctx: ResetContext): Promise<void> {
  if (reset.method === 'command') return runResetCommand(reset.command ?? []);
  if (!ctx.smp && ctx.lwm2m) return ctx.lwm2m.reboot();
  if (!ctx.smp) throw new TransportError(`target ${ctx.target.name}: reset method "${reset.method}" needs the SMP link`);
  const reply = await ctx.smp.request(smpRequest(osCommands.reset, {}));
  if (reply.body.kind !== 'ok') throw new TransportError(`target ${ctx.target.name}: os reset answered ${JSON.stringify(reply.body)}`);
}

/**
 * Reset the target by its `reset` method and wait until it is ready again; resolves with the ms
 * from the reset to ready. Rejects with a `TransportError` for method `none`, a failed command,
 * or a device that does not come back.
 */
export async function resetTarget(ctx: ResetContext): Promise<number> {
  const reset = resetOf(ctx.target);
  if (reset.method === 'none') throw new TransportError(`target ${ctx.target.name} cannot be reset (reset method "none")`);
  const output = ctx.target.device?.output;
  const offset = output !== undefined ? fileSize(output) : 0;
  const started = performance.now();
  const timeoutMs = reset.timeoutMs ?? ctx.target.readyTimeoutMs;
  // Armed before the trigger: a client that re-registers at once must not be missed.
  const reregistered = reset.readiness === 'lwm2m-register' ? awaitLwm2mRegistration(ctx, timeoutMs) : undefined;
  reregistered?.catch(() => undefined);
  await triggerReset(reset, ctx);
  if (reregistered) await reregistered;
  if (reset.readiness === 'console') {
    if (output === undefined) throw new TransportError(`target ${ctx.target.name}: readiness "console" needs a process target's output`);
    await awaitConsoleLine(output, offset, new RegExp(reset.consolePattern ?? '.'), timeoutMs);
  }
  if (ctx.smp) await ctx.awaitReady({ timeoutMs });
  return performance.now() - started;
}
