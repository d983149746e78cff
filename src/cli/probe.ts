/**
 * `mgmt-conformance probe`: connect to a device and print what it says about itself (SMP
 * version, OS info, bootloader, buffers, image slots, groups); with `--lwm2m`, wait for an LwM2M
 * client's registration and print what the client is.
 */
// Defaults from their own modules (the config layer's index also loads the targets-file checker);
// the client, the MTU probe and the LwM2M server load when the command runs, not for --help.
import { DEFAULT_REGISTRATION_TIMEOUT_MS, parseListenAddress } from '../config/lwm2m-target.ts';
import { DEFAULT_RESPONSE_TIMEOUT_MS as DEFAULT_TIMEOUT_MS } from '../core/timeouts.ts';
import { UsageError } from '../errors.ts';
import { type CliIo, type FlagSpecs, formatFlagHelp, integerFlag, parseFlags } from './args.ts';
import { DEVICE_FLAGS, firstRequest, withDevice } from './device-connection.ts';

const FLAGS = {
  ...DEVICE_FLAGS,
  lwm2m: { type: 'string', valueName: 'URI', description: 'LwM2M: listen on coap://HOST:PORT and wait for a client to register' },
  endpoint: { type: 'string', valueName: 'NAME', description: 'LwM2M: wait for this endpoint (default: the first client that registers)' },
  'timeout-ms': { type: 'string', valueName: 'N', description: `LwM2M: how long to wait for the registration (default ${DEFAULT_REGISTRATION_TIMEOUT_MS})` },
  json: { type: 'boolean', description: 'print the result as JSON' },
  help: { type: 'boolean', description: 'show this help' },
} as const satisfies FlagSpecs;

const USAGE = `usage: mgmt-conformance probe [--smp CONN | --target NAME] [--targets FILE] [--timeout MS] [--json]
       mgmt-conformance probe --lwm2m coap://HOST:PORT [--endpoint NAME] [--timeout-ms N] [--json]

Asks a device what it is: SMP version, OS info, bootloader, MCUmgr buffers, image slots and
management groups. With --lwm2m the harness listens as LwM2M server until a client registers,
then prints its registration (version, binding, lifetime, objects, formats) and its Device
object /3/0. Exit 0 on an answer, 2 when the device is unreachable or the flags are wrong.

${formatFlagHelp(FLAGS)}`;

/** `probe` entry point. */
export async function probeCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags } = parseFlags('probe', argv, FLAGS);
  if (flags.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (flags.lwm2m !== undefined) return probeLwm2mCommand(flags, io);
  const lwm2mOnly = (['endpoint', 'timeout-ms'] as const).find((f) => flags[f] !== undefined);
  if (lwm2mOnly !== undefined) throw new UsageError(`probe: --${lwm2mOnly} goes with --lwm2m coap://HOST:PORT`);
  const [{ probeDevice }, { SERIAL_BUFFER_OVERHEAD_BYTES }, { measureTransportMtu }, { formatProbe }] = await Promise.all([
    import('../client/device-probe.ts'),
    import('../client/chunk-size.ts'),
    import('../target/smp/transport-mtu.ts'),
    import('./probe-format.ts'),
  ]);
  const result = await withDevice('probe', flags, async ({ client, transport, mtu, timeoutMs }) => {
    const probe = await firstRequest(client, () => probeDevice(client));
    if (transport.kind !== 'serial') return { ...probe, transportMtu: undefined };
    const bufSize = probe.mcumgrParams.ok ? probe.mcumgrParams.value.buf_size : 2048;
    return { ...probe, transportMtu: mtu !== undefined ? { bytes: mtu, source: 'declared' as const } : await measureTransportMtu(client, { ceilingBytes: bufSize - SERIAL_BUFFER_OVERHEAD_BYTES, timeoutMs }) };
  });
  if (flags.json) io.stdout(JSON.stringify(result, null, 2));
  else for (const line of formatProbe(result)) io.stdout(line);
  if (!flags.json && result.transportMtu !== undefined) io.stdout(`serial mtu  ${result.transportMtu.bytes ?? '(not even a short echo answered)'} bytes (${result.transportMtu.source})`);
  return 0;
}

async function probeLwm2mCommand(flags: ReturnType<typeof parseFlags<typeof FLAGS>>['flags'], io: CliIo): Promise<number> {
  const listen = flags.lwm2m ?? '';
  const smpOnly = (['smp', 'target', 'targets'] as const).find((f) => flags[f] !== undefined);
  if (smpOnly !== undefined) throw new UsageError(`probe: --${smpOnly} does not go with --lwm2m (the device registers with the harness)`);
  const parsed = parseListenAddress(listen);
  if (typeof parsed === 'string') throw new UsageError(`probe: --lwm2m ${parsed}`);
  if (listen.startsWith('coaps:')) throw new UsageError('probe: --lwm2m takes coap:// only (a DTLS-PSK device is run from targets.json with lwm2m.security)');
  if (flags.endpoint === '') throw new UsageError('probe: --endpoint needs a name');
  const timeoutMs = flags['timeout-ms'] === undefined ? DEFAULT_REGISTRATION_TIMEOUT_MS : integerFlag('probe', 'timeout-ms', flags['timeout-ms'], 1, 86_400_000);
  const requestTimeoutMs = flags.timeout === undefined ? DEFAULT_TIMEOUT_MS : integerFlag('probe', 'timeout', flags.timeout, 1, 600_000);
  const onListening = flags.json ? undefined : (address: string): void => io.stdout(`listening on ${address}, waiting ${timeoutMs / 1000} s for ${flags.endpoint ?? 'a client'} to register`);
  const { formatLwm2mProbe, probeLwm2m } = await import('./probe-lwm2m.ts');
  const result = await probeLwm2m({ listen, endpoint: flags.endpoint, timeoutMs, requestTimeoutMs, onListening });
  if (flags.json) io.stdout(JSON.stringify(result, null, 2));
  else for (const line of formatLwm2mProbe(result)) io.stdout(line);
  return 0;
}
