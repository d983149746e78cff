/**
 * The simulated LwM2M client as a child process (src/simulator/lwm2m-client/main.ts): the device
 * never shares a process with the harness that judges it. Started once the LwM2M server is bound,
 * with that address; ready when the child reports its bound socket (it registers right after).
 * @see docs/architecture.md "Listeners before devices", docs/design-notes.md §2
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { TransportError } from '../../errors.ts';
import { CLI_BUILD_ENV, nodeEntryArgv } from '../node-entry.ts';

/** How to start one simulated LwM2M client. */
export interface Lwm2mClientProcessOptions {
  /** The LwM2M server the client registers with: `coap://HOST:PORT` (`coaps://` with DTLS). */
  server: string;
  /**
   * Start from this bootstrap server instead: the client is then not told `server` at all, so
   * it can only reach the DM server the bootstrap writes.
   */
  bootstrap?: string;
  endpoint: string;
  version: '1.0' | '1.1';
  lifetimeS: number;
  /** ACK_TIMEOUT of the client's own CONs (RFC 7252 default when absent). */
  ackTimeoutMs?: number;
  /** LwM2M fault profile names. */
  faults: readonly string[];
  /** CoAPs with a PSK (`{ mode: 'psk', identity, key }`), as targets.json's `lwm2m.security`. */
  security?: { mode: 'psk'; identity: string; key: string } | { mode: 'nosec' };
  /** Execute /3/0/4: `restart` (default) registers anew; `log` only answers, as the Zephyr sample does. */
  reboot?: 'restart' | 'log';
  /** What the client's Firmware Update object takes: `blob` checks the length against Size1, `mcuboot` the image hash. */
  firmware?: { package: 'mcuboot' | 'blob' };
}

/**
 * The simulator options of the Firmware Update object: the package check, and the Block1
 * negotiation by version, so a default run sees both variants: the 1.0 build takes 256-byte
 * blocks like a small device and negotiates a larger first block down with 2.31 Continue; the
 * 1.1 build refuses blocks over 512 bytes with 4.13 (RFC 7959 §2.5, §2.9.3).
 */
function firmwareOptions(options: Lwm2mClientProcessOptions): Record<string, unknown> {
  const block1 = options.version === '1.0' ? { block1SizeBytes: 256, block1Negotiation: '2.31' } : { block1SizeBytes: 512, block1Negotiation: '4.13' };
  return { ...block1, ...(options.firmware === undefined ? {} : { packageCheck: options.firmware.package }) };
}

/** A running client process. */
export interface Lwm2mClientProcess {
  /** The client's bound UDP address. */
  local: { host: string; port: number };
  pid: number | undefined;
  /** De-register and end the process (SIGKILL after a grace period); never throws. */
  stop(): Promise<void>;
}

const ENTRY = resolve(import.meta.dirname, '../../simulator/lwm2m-client/main.ts');
/** Time the child gets to load and bind. */
const START_BOUND_MS = 20_000;
/** Grace between SIGTERM (de-register) and SIGKILL. */
const STOP_GRACE_MS = 5_000;

/** The CLI bundle's build name, defined by scripts/build-cli.mjs; not defined when running from the sources. */
declare const MGMT_CLI_BUILD: string | undefined;

/**
 * The client may be started where the sources run (vitest's worker), so the bundled CLI hands its
 * build name down to the processes it starts in `CLI_BUILD_ENV` (src/cli/run-parallel.ts).
 */
export { CLI_BUILD_ENV };

/**
 * Node arguments of a client process. When the run started from the CLI bundle (this code's own
 * build, or the one `CLI_BUILD_ENV` names): that build's `lwm2m-client.js`, plain JavaScript,
 * with no TypeScript loader whose esbuild service and hooks thread each client would carry
 * (figures: docs/architecture.md "How the CLI starts"). From the sources, or when that build was
 * removed meanwhile: the TypeScript entry through tsx.
 */
export function lwm2mClientArgv(json: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const build = typeof MGMT_CLI_BUILD === 'string' ? MGMT_CLI_BUILD : env[CLI_BUILD_ENV];
  return nodeEntryArgv({ bundled: 'lwm2m-client.js', source: ENTRY }, build, [json]);
}

/** Start the simulated client in its own process; rejects with a `TransportError` when it does not come up. */
export function startLwm2mClientProcess(options: Lwm2mClientProcessOptions): Promise<Lwm2mClientProcess> {
  const where = options.bootstrap === undefined ? { server: options.server } : { bootstrap: options.bootstrap };
  const json = JSON.stringify({ ...where, endpoint: options.endpoint, version: options.version, lifetimeS: options.lifetimeS, faults: [...options.faults], ...(options.security ? { security: options.security } : {}), ...(options.ackTimeoutMs === undefined ? {} : { timing: { ackTimeoutMs: options.ackTimeoutMs } }), ...(options.reboot === undefined ? {} : { reboot: options.reboot }), ...firmwareOptions(options) });
  const child = spawn(process.execPath, lwm2mClientArgv(json), { stdio: ['pipe', 'pipe', 'pipe'] });
  let exited = false;
  const gone = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await gone;
    clearTimeout(timer);
  };
  return new Promise((resolveStart, rejectStart) => {
    let out = '';
    let err = '';
    let isSettled = false;
    const fail = (why: string): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      void stop();
      rejectStart(new TransportError(`the simulated LwM2M client ${options.endpoint} did not start: ${why}${err.trim() ? ` (${err.trim().split('\n').slice(-3).join('; ')})` : ''}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${START_BOUND_MS / 1000} s`), START_BOUND_MS);
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString('utf8')).slice(-4000)));
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code, signal) => fail(`exited with ${signal ?? `code ${code}`}`));
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      const end = out.indexOf('\n');
      if (end < 0 || isSettled) return;
      let ready: { local: { host: string; port: number } };
      try {
        ready = JSON.parse(out.slice(0, end)) as { local: { host: string; port: number } };
      } catch {
        return fail(`unreadable ready line ${JSON.stringify(out.slice(0, end))}`);
      }
      isSettled = true;
      clearTimeout(timer);
      resolveStart({ local: ready.local, pid: child.pid, stop });
    });
  });
}
