/**
 * `mgmt-conformance image …`: offline MCUboot image tools — inspect, sign, corrupt.
 * Exit codes: 0 ok, 1 `inspect` found defects, 2 bad input (usage, missing or unreadable file,
 * not an image, unreadable key). The device-side subcommands plug into `DEVICE_SUBCOMMANDS`.
 * @see spec/smp.md §5 (image format), §3.2 (image management)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { InputFileError, UsageError } from '../errors.ts';
import { toHex } from '../core/bytes.ts';
// The codec's modules, not its index: the index also exports the fast-check arbitraries, whose
// loading would cost every `image` command start-up time.
import { IMAGE_MAGIC, IMAGE_MAGIC_NONE, IMAGE_MAGIC_V1, type ImageHashAlg } from '../codec/image/constants.ts';
// The catalogue only: corrupting and the report (and with them the SMP codec) load when used.
import { CORRUPTIONS, corruptionInfo, type CorruptionKind } from '../codec/image/corrupt-catalog.ts';
import { loadImageKey } from '../codec/image/keys.ts';
import { parseImageHeader } from '../codec/image/parse.ts';
import { signMcubootImage } from '../codec/image/sign.ts';
import type { ImageVersion } from '../codec/image/types.ts';
import { verifyMcubootImage } from '../codec/image/verify.ts';
import { formatFlagHelp, integerFlag, parseFlags, type CliIo, type FlagSpecs } from './args.ts';
import { answerImageDeviceHelp } from './image-device-flags.ts';

/**
 * Device-side subcommands (list, upload, test, confirm, erase) are added here by the client
 * helper; until then they are a usage error.
 */
export const DEVICE_SUBCOMMANDS: Record<string, ((argv: string[], io: CliIo) => Promise<number>) | undefined> = {
  list: undefined, upload: undefined, test: undefined, confirm: undefined, erase: undefined,
};

const USAGE = [
  'usage: mgmt-conformance image inspect FILE [--key PUB.pem] [--running-version V] [--json]',
  '       mgmt-conformance image sign (--payload FILE | --size N) --version 1.2.3+4 [--key PRIV.pem] -o OUT [options]',
  '       mgmt-conformance image corrupt FILE --kind KIND -o OUT [--key PRIV.pem] [--wrong-key PRIV.pem]',
  '       mgmt-conformance image corrupt --list',
].join('\n');

async function readInput(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (cause as Error).message;
    throw new InputFileError(path, `cannot read ${what}: ${why}`, { cause });
  }
}

async function writeOutput(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFile(path, bytes);
  } catch (cause) {
    throw new InputFileError(path, `cannot write output: ${(cause as Error).message}`, { cause });
  }
}

async function readKey(path: string, isPrivate: boolean): Promise<string> {
  const text = Buffer.from(await readInput(path, 'key file')).toString('utf8');
  const key = loadImageKey(text);
  if (!key.ok) throw new InputFileError(path, `unusable key: ${key.error}`);
  if (isPrivate && !key.value.privateKey) throw new InputFileError(path, 'unusable key: a private key is needed to sign');
  return text;
}

/** A file that does not even look like an MCUboot image (exit 2, not a defect report). */
function notAnImage(bytes: Uint8Array): string | undefined {
  const header = parseImageHeader(bytes);
  if (!header) return `${bytes.length} bytes, shorter than the 32-byte MCUboot header`;
  const known = header.magic === IMAGE_MAGIC || header.magic === IMAGE_MAGIC_V1 || header.magic === IMAGE_MAGIC_NONE;
  const plausible = header.hdrSize >= 32 && header.hdrSize + header.imgSize <= bytes.length;
  return known || plausible ? undefined : `no MCUboot header (magic 0x${header.magic.toString(16).padStart(8, '0')}, sizes do not fit the file)`;
}

const INSPECT_FLAGS = {
  key: { type: 'string', valueName: 'PUB.pem', description: 'public key the bootloader holds (checks KEYHASH and signature)' },
  'running-version': { type: 'string', valueName: 'V', description: 'version of the running image: report an image that is not newer as a downgrade' },
  json: { type: 'boolean', description: 'print the report as JSON' },
  help: { type: 'boolean', description: 'show this help' },
} satisfies FlagSpecs;

async function inspect(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('image inspect', argv, INSPECT_FLAGS, 1);
  if (flags.help) return help(io, INSPECT_FLAGS);
  const file = positionals[0];
  if (!file) throw new UsageError('image inspect: missing FILE (see mgmt-conformance image --help)');
  const bytes = await readInput(file, 'image');
  const problem = notAnImage(bytes);
  if (problem) throw new InputFileError(file, `not an MCUboot image: ${problem}`);
  const key = flags.key === undefined ? undefined : await readKey(flags.key, false);
  const running = flags['running-version'] === undefined ? undefined : parseImageVersion(flags['running-version']);
  if (flags['running-version'] !== undefined && !running) throw new UsageError(`image inspect: --running-version expects MAJOR.MINOR.REVISION+BUILD, got '${flags['running-version']}'`);
  const report = verifyMcubootImage(bytes, { ...(key === undefined ? {} : { publicKeyPem: key }), ...(running ? { runningVersion: running } : {}) });
  const { formatImageReport, imageReportJson } = await import('../codec/image/report.ts');
  io.stdout(flags.json ? JSON.stringify(imageReportJson(report, file), null, 2) : formatImageReport(report, file));
  return report.isValid ? 0 : 1;
}

/** `1.2.3+4`, `1.2.3`, `1.2` or `1` as imgtool's `decode_version` reads them. */
export function parseImageVersion(text: string): ImageVersion | undefined {
  const m = /^(\d+)(?:\.(\d+)(?:\.(\d+))?)?(?:\+(\d+))?$/.exec(text);
  if (!m) return undefined;
  const v = { major: Number(m[1]), minor: Number(m[2] ?? 0), revision: Number(m[3] ?? 0), build: Number(m[4] ?? 0) };
  return v.major <= 0xff && v.minor <= 0xff && v.revision <= 0xffff && v.build <= 0xffffffff ? v : undefined;
}

const SIGN_FLAGS = {
  payload: { type: 'string', valueName: 'FILE', description: 'application binary to wrap' },
  size: { type: 'string', valueName: 'N', description: 'instead of --payload: N bytes of a fixed test pattern' },
  version: { type: 'string', valueName: 'V', description: 'image version, e.g. 1.2.3+4' },
  key: { type: 'string', valueName: 'PRIV.pem', description: 'signing key (EC P-256/P-384, Ed25519, RSA-2048/3072); none: hash only' },
  'header-size': { type: 'string', valueName: 'N', description: 'header size (default 32; 0x200 for Zephyr)' },
  'security-counter': { type: 'string', valueName: 'N', description: 'SEC_CNT TLV in the protected area' },
  sha: { type: 'string', valueName: '256|384|512', description: 'image hash (default: by key type)' },
  pure: { type: 'boolean', description: 'Ed25519 signature over the image itself (SIG_PURE)' },
  'public-key-format': { type: 'string', valueName: 'hash|full', description: 'KEYHASH (default) or the full PUBKEY' },
  pad: { type: 'boolean', description: 'pad to --slot-size and write the boot trailer magic' },
  'slot-size': { type: 'string', valueName: 'N', description: 'slot size for --pad' },
  confirm: { type: 'boolean', description: 'with --pad: set image_ok (confirmed)' },
  align: { type: 'string', valueName: '1|2|4|8|16|32', description: 'flash write alignment for the trailer' },
  output: { type: 'string', valueName: 'OUT', description: 'output file (also -o)' },
  help: { type: 'boolean', description: 'show this help' },
} satisfies FlagSpecs;

function testPattern(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
}

/** `-o X` is accepted as `--output X`. */
function expandShortOutput(argv: string[]): string[] {
  return argv.map((a) => (a === '-o' ? '--output' : a));
}

function numberFlag(command: string, name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^0x[0-9a-f]+$/i.test(value) ? String(Number.parseInt(value, 16)) : value;
  return integerFlag(command, name, n, 0, max);
}

async function sign(argv: string[], io: CliIo): Promise<number> {
  const { flags } = parseFlags('image sign', expandShortOutput(argv), SIGN_FLAGS);
  if (flags.help) return help(io, SIGN_FLAGS);
  if (!flags.output) throw new UsageError('image sign: missing -o OUT');
  if ((flags.payload === undefined) === (flags.size === undefined)) throw new UsageError('image sign: give exactly one of --payload FILE or --size N');
  const version = flags.version === undefined ? undefined : parseImageVersion(flags.version);
  if (!version) throw new UsageError(`image sign: --version expects MAJOR.MINOR.REVISION+BUILD (e.g. 1.2.3+4), got '${flags.version ?? ''}'`);
  const sha = flags.sha === undefined ? 'auto' : (`sha${flags.sha}` as ImageHashAlg);
  if (!['auto', 'sha256', 'sha384', 'sha512'].includes(sha)) throw new UsageError(`image sign: --sha expects 256, 384 or 512, got '${flags.sha ?? ''}'`);
  const format = flags['public-key-format'] ?? 'hash';
  if (format !== 'hash' && format !== 'full') throw new UsageError(`image sign: --public-key-format expects hash or full, got '${format}'`);
  const size = numberFlag('image sign', 'size', flags.size, 64 * 1024 * 1024);
  const payload = flags.payload !== undefined ? await readInput(flags.payload, 'payload') : testPattern(size ?? 0);
  const result = signMcubootImage({
    payload, version, hashAlg: sha, isPure: flags.pure ?? false, publicKeyFormat: format,
    key: flags.key === undefined ? undefined : await readKey(flags.key, true),
    headerSize: numberFlag('image sign', 'header-size', flags['header-size'], 0xffff),
    securityCounter: numberFlag('image sign', 'security-counter', flags['security-counter'], 0xffffffff),
    pad: flags.pad ?? false, slotSize: numberFlag('image sign', 'slot-size', flags['slot-size'], 0xffffffff),
    confirm: flags.confirm ?? false, align: numberFlag('image sign', 'align', flags.align, 32),
  });
  if (!result.ok) throw new UsageError(`image sign: ${result.error}`);
  await writeOutput(flags.output, result.value);
  const report = verifyMcubootImage(result.value);
  io.stdout(`${flags.output}: ${result.value.length} bytes, image hash ${report.hash.inImage ? toHex(report.hash.inImage) : '?'}`);
  return 0;
}

const CORRUPT_FLAGS = {
  kind: { type: 'string', valueName: 'KIND', description: 'corruption to apply (see --list)' },
  list: { type: 'boolean', description: 'list the corruption kinds with the verdict a correct device gives' },
  key: { type: 'string', valueName: 'PRIV.pem', description: "original signer's key (re-signing variants)" },
  'wrong-key': { type: 'string', valueName: 'PRIV.pem', description: 'key for wrong-key (default: a fresh key)' },
  output: { type: 'string', valueName: 'OUT', description: 'output file (also -o)' },
  help: { type: 'boolean', description: 'show this help' },
} satisfies FlagSpecs;

function listCorruptions(io: CliIo): number {
  const width = Math.max(...CORRUPTIONS.map((c) => c.kind.length));
  for (const c of CORRUPTIONS) {
    const err = c.verdict.imgMgmtErr ? ` (err ${c.verdict.imgMgmtErr.rc} ${c.verdict.imgMgmtErr.name})` : '';
    io.stdout(`${c.kind.padEnd(width)}  ${c.description}\n${' '.repeat(width)}  defect: ${c.expectedDefect}; upload ${c.verdict.upload}${err}; image state: ${c.verdict.imageState}; boot: ${c.verdict.boot}\n${' '.repeat(width)}  ${c.verdict.summary}`);
  }
  return 0;
}

async function corrupt(argv: string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseFlags('image corrupt', expandShortOutput(argv), CORRUPT_FLAGS, 1);
  if (flags.help) return help(io, CORRUPT_FLAGS);
  if (flags.list) return listCorruptions(io);
  const file = positionals[0];
  if (!file) throw new UsageError('image corrupt: missing FILE');
  if (!flags.kind || !corruptionInfo(flags.kind)) {
    throw new UsageError(`image corrupt: --kind expects one of ${CORRUPTIONS.map((c) => c.kind).join(', ')}${flags.kind ? `, got '${flags.kind}'` : ''}`);
  }
  if (!flags.output) throw new UsageError('image corrupt: missing -o OUT');
  const bytes = await readInput(file, 'image');
  const key = flags.key === undefined ? undefined : await readKey(flags.key, true);
  const wrongKey = flags['wrong-key'] === undefined ? undefined : await readKey(flags['wrong-key'], true);
  const { corruptImage } = await import('../codec/image/corrupt.ts');
  const result = corruptImage(bytes, flags.kind as CorruptionKind, { ...(key ? { key } : {}), ...(wrongKey ? { wrongKey } : {}) });
  if (!result.ok) throw new InputFileError(file, result.error);
  await writeOutput(flags.output, result.value.bytes);
  const v = result.value;
  const state = v.imgMgmt.ok ? `listed with hash ${toHex(v.imgMgmt.value.hash)}` : `not listed (${v.imgMgmt.error.name}, img_mgmt error ${v.imgMgmt.error.rc})`;
  io.stdout(`${flags.output}: ${v.kind} — ${v.description}\n  expected defect: ${v.expected.kind} at byte ${v.expected.at}\n  img_mgmt image state for these bytes: ${state}\n  device: ${v.verdict.summary}`);
  return 0;
}

function help(io: CliIo, specs?: FlagSpecs): number {
  io.stdout(specs ? `${USAGE}\n\noptions:\n${formatFlagHelp(specs)}` : `${USAGE}\n\nsubcommands: inspect, sign, corrupt (offline); ${Object.keys(DEVICE_SUBCOMMANDS).join(', ')} (device)`);
  return 0;
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return sub === undefined ? (help(io), 2) : help(io);
  if (sub === 'inspect') return inspect(rest, io);
  if (sub === 'sign') return sign(rest, io);
  if (sub === 'corrupt') return corrupt(rest, io);
  if (Object.hasOwn(DEVICE_SUBCOMMANDS, sub)) {
    const device = DEVICE_SUBCOMMANDS[sub];
    if (device) return device(rest, io);
    // Help needs only the flags; the subcommands load the client and the codec.
    return answerImageDeviceHelp(io, sub, rest) ?? (await import('./image-device.ts')).imageDeviceCommand(sub, rest, io);
  }
  throw new UsageError(`unknown image subcommand '${sub}' (inspect, sign, corrupt, ${Object.keys(DEVICE_SUBCOMMANDS).join(', ')})`);
}

/**
 * Entry point of `mgmt-conformance image`. Bad input is reported as one line on stderr with
 * exit code 2 (the same line `main` would print), so the command also works when called directly.
 */
export async function imageCommand(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputFileError) {
      io.stderr(`mgmt-conformance image: ${e.message.split('\n')[0] ?? ''}`);
      return 2;
    }
    throw e;
  }
}
