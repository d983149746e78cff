/**
 * Device-side `mgmt-conformance image` subcommands: list, upload, test, confirm, erase.
 * Exit codes: 0 ok, 1 the device refused, 2 bad input (usage, missing file, not an image,
 * unreachable device).
 * @see docs/spec/smp.md §3.2 (image management), §5.7 (which hash image state shows)
 */
import { readFile } from 'node:fs/promises';
import { describeErrorBody } from '../client/device-probe.ts';
import { uploadImage, UploadRejectedError, type UploadProgress, type UploadResult } from '../client/image-upload.ts';
import { SERIAL_BUFFER_OVERHEAD_BYTES } from '../client/chunk-size.ts';
import type { SmpClient, SmpReply } from '../client/smp-client.ts';
import { fromHex, toHex } from '../core/bytes.ts';
import { parseMcubootImage } from '../codec/image/parse.ts';
import { smpRequest } from '../codec/smp/command.ts';
import { imgCommands, type ImageStateRsp } from '../codec/smp/groups/img.ts';
import { osCommands } from '../codec/smp/groups/os.ts';
import { InputFileError, UsageError } from '../errors.ts';
import { measureTransportMtu } from '../target/smp/transport-mtu.ts';
import { integerFlag, parseFlags, type CliIo } from './args.ts';
import { firstRequest, withDevice } from './device-connection.ts';
import { ERASE_FLAGS, imageDeviceHelp as help, LIST_FLAGS, MARK_FLAGS, UPLOAD_FLAGS } from './image-device-flags.ts';

/** One slot as printed and as JSON. */
interface SlotLine {
  image: number;
  slot: number;
  version: string;
  hash: string;
  flags: string[];
}

function slotLines(state: ImageStateRsp): SlotLine[] {
  const flags = ['bootable', 'pending', 'confirmed', 'active', 'permanent'] as const;
  return state.images.map((s) => ({ image: s.image ?? 0, slot: s.slot, version: s.version, hash: toHex(s.hash), flags: flags.filter((f) => s[f] === true) }));
}

function printState(io: CliIo, state: ImageStateRsp, isJson: boolean | undefined): void {
  const lines = slotLines(state);
  if (isJson) return io.stdout(JSON.stringify({ images: lines }, null, 2));
  if (lines.length === 0) return io.stdout('no valid image in any slot');
  for (const l of lines) io.stdout(`image ${l.image} slot ${l.slot}  version ${l.version.padEnd(10)} ${(l.flags.join(' ') || '-').padEnd(28)} hash ${l.hash}`);
}

/** The typed state from a reply, or a one-line refusal (exit 1). */
function stateOf(io: CliIo, reply: SmpReply<ImageStateRsp>, what: string): ImageStateRsp | undefined {
  if (reply.body.kind !== 'ok') {
    io.stderr(`mgmt-conformance image ${what}: device refused: ${describeErrorBody(reply.body)}`);
    return undefined;
  }
  if (!reply.decoded?.ok) {
    io.stderr(`mgmt-conformance image ${what}: unexpected image state reply: ${reply.decoded?.error.map((p) => `${p.field}: expected ${p.expected}, got ${p.actual}`).join('; ') ?? '?'}`);
    return undefined;
  }
  return reply.decoded.value.value;
}

async function list(argv: string[], io: CliIo): Promise<number> {
  const { flags } = parseFlags('image list', argv, LIST_FLAGS);
  if (flags.help) return help(io, 'list', LIST_FLAGS);
  return withDevice('image list', flags, async ({ client }) => {
    const state = stateOf(io, await firstRequest(client, () => client.request(smpRequest(imgCommands.state, {}))), 'list');
    if (!state) return 1;
    printState(io, state, flags.json);
    return 0;
  });
}

async function readImageFile(path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (cause as Error).message;
    throw new InputFileError(path, `cannot read image: ${why}`, { cause });
  }
  const parsed = parseMcubootImage(bytes);
  if (!parsed.ok) throw new InputFileError(path, `not an MCUboot image: ${parsed.error[0]?.message ?? 'unreadable'}`);
  return bytes;
}

/** A progress bar on a terminal; plain lines every 10 % in CI or when stderr is not a terminal. */
function progressReporter(io: CliIo, isJson: boolean | undefined): (p: UploadProgress) => void {
  const isTty = process.stderr.isTTY === true && process.env['CI'] !== 'true';
  let lastTenth = -1;
  let lastDrawMs = Number.NEGATIVE_INFINITY;
  return (p) => {
    const fraction = p.totalBytes === 0 ? 1 : p.ackedBytes / p.totalBytes;
    const rate = `${(p.bytesPerSec / 1024).toFixed(1)} KiB/s`;
    if (isTty && !isJson) {
      // Redraw at most every 100 ms (and at the end): a write per chunk would cost more than the chunk.
      const now = performance.now();
      if (fraction < 1 && now - lastDrawMs < 100) return;
      lastDrawMs = now;
      const width = 30;
      const full = Math.round(fraction * width);
      const eta = Number.isFinite(p.etaMs) ? `, ${(p.etaMs / 1000).toFixed(1)} s left` : '';
      process.stderr.write(`\r[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${rate}${eta}   ${fraction >= 1 ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      io.stderr(`upload ${tenth * 10}% (${p.ackedBytes}/${p.totalBytes} bytes, ${rate})`);
    }
  };
}

function optionalInt(command: string, name: string, value: string | undefined, min: number, max: number): number | undefined {
  return value === undefined ? undefined : integerFlag(command, name, value, min, max);
}

function uploadSummary(file: string, endpoint: string, r: UploadResult): string {
  const match = r.match === undefined ? 'not reported' : String(r.match);
  return (
    `uploaded ${file} (${r.bytes} bytes) to ${endpoint} in ${(r.durationMs / 1000).toFixed(2)} s: ${(r.bytesPerSec / 1024).toFixed(1)} KiB/s, ` +
    `${r.chunks} chunks of up to ${r.chunkDataBytes} bytes, window ${r.window}, ${r.retransmits} retransmits, ${r.resumes} resumes, match ${match}`
  );
}

async function upload(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('image upload', argv, UPLOAD_FLAGS, 1);
  if (flags.help) return help(io, 'upload', UPLOAD_FLAGS);
  const file = positionals[0];
  if (!file) throw new UsageError('image upload: missing FILE (see mgmt-conformance image upload --help)');
  const slot = optionalInt('image upload', 'slot', flags.slot, 0, 0xfffe);
  const imageNumber = optionalInt('image upload', 'image', flags.image, 0, 0xffff);
  if (slot !== undefined && imageNumber !== undefined) throw new UsageError('image upload: give --slot or --image, not both');
  const window = optionalInt('image upload', 'window', flags.window, 1, 64);
  const chunk = optionalInt('image upload', 'chunk', flags.chunk, 32, 65_535);
  const image = await readImageFile(file);
  return withDevice('image upload', flags, async ({ client, transport, timeoutMs, mtu }) => {
    await firstRequest(client, () => client.request(smpRequest(imgCommands.state, {})));
    const serialMtu = transport.kind === 'serial' ? (mtu ?? (await measuredSerialMtu(client, timeoutMs))) : undefined;
    try {
      const result = await uploadImage(client, image, {
        ...(slot === undefined ? {} : { slot }), ...(imageNumber === undefined ? {} : { image: imageNumber }),
        ...(window === undefined ? {} : { window }), ...(chunk === undefined ? {} : { chunkBytes: chunk }),
        ...(flags.upgrade ? { upgrade: true } : {}), eraseFirst: flags.erase === true, timeoutMs,
        link: { kind: transport.kind, maxPacketBytes: serialMtu ?? transport.maxPacketBytes },
        onProgress: progressReporter(io, flags.json),
      });
      io.stdout(flags.json ? JSON.stringify({ file, endpoint: client.endpoint, ...result }, null, 2) : uploadSummary(file, client.endpoint, result));
      return result.match === false ? 1 : 0;
    } catch (e) {
      if (!(e instanceof UploadRejectedError)) throw e;
      io.stderr(`mgmt-conformance image upload: ${e.message}`);
      return 1;
    }
  });
}

function parseHash(command: string, text: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new UsageError(`${command}: HASH must be 64 hex digits (the SHA-256 image state lists), got '${text}'`);
  return fromHex(text);
}

function markCommand(sub: 'test' | 'confirm'): (argv: string[], io: CliIo) => Promise<number> {
  const command = `image ${sub}`;
  return async (argv, io) => {
    const { flags, positionals } = parseFlags(command, argv, MARK_FLAGS, 1);
    if (flags.help) return help(io, sub, MARK_FLAGS);
    const text = positionals[0];
    if (text === undefined && sub === 'test') throw new UsageError(`${command}: missing HASH (see mgmt-conformance image list)`);
    const hash = text === undefined ? undefined : parseHash(command, text);
    return withDevice(command, flags, async ({ client }) => {
      const req = smpRequest(imgCommands.stateWrite, { ...(hash ? { hash } : {}), confirm: sub === 'confirm' });
      const state = stateOf(io, await firstRequest(client, () => client.request(req)), sub);
      if (!state) return 1;
      printState(io, state, flags.json);
      return 0;
    });
  };
}

async function erase(argv: string[], io: CliIo): Promise<number> {
  const { flags } = parseFlags('image erase', argv, ERASE_FLAGS);
  if (flags.help) return help(io, 'erase', ERASE_FLAGS);
  const slot = optionalInt('image erase', 'slot', flags.slot, 0, 0xffff);
  return withDevice('image erase', flags, async ({ client, timeoutMs }) => {
    // Erase is synchronous on the device: real flash can take seconds.
    const reply = await firstRequest(client, () => client.request(smpRequest(imgCommands.erase, slot === undefined ? {} : { slot }), { timeoutMs: Math.max(timeoutMs, 10_000) }));
    if (reply.body.kind !== 'ok') {
      io.stderr(`mgmt-conformance image erase: device refused: ${describeErrorBody(reply.body)}`);
      return 1;
    }
    io.stdout(`erased ${slot === undefined ? 'the inactive slot' : `slot ${slot}`} on ${client.endpoint}`);
    return 0;
  });
}

/** The device subcommands by name. */
export const IMAGE_DEVICE_COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  list, upload, test: markCommand('test'), confirm: markCommand('confirm'), erase,
};

/**
 * Run one device subcommand (`list`, `upload`, `test`, `confirm`, `erase`); called by
 * `image.ts`'s dispatcher.
 */
export function imageDeviceCommand(sub: string, argv: string[], io: CliIo): Promise<number> {
  const run = IMAGE_DEVICE_COMMANDS[sub];
  if (!run) throw new UsageError(`unknown image subcommand '${sub}'`);
  return run(argv, io);
}

/**
 * The serial transport MTU by echo probes (docs/spec/smp.md §4.3), capped by buf_size; undefined
 * when the device has no echo (the engine then sizes by buf_size alone).
 */
async function measuredSerialMtu(client: SmpClient, timeoutMs: number): Promise<number | undefined> {
  const params = await client.request(smpRequest(osCommands.mcumgrParams, {})).catch(() => undefined);
  const bufSize = params?.body.kind === 'ok' ? params.body.rsp.buf_size : undefined;
  const ceilingBytes = (typeof bufSize === 'number' ? bufSize : 2048) - SERIAL_BUFFER_OVERHEAD_BYTES;
  return (await measureTransportMtu(client, { ceilingBytes, timeoutMs: Math.min(timeoutMs, 1000) }).catch(() => undefined))?.bytes;
}
