/**
 * What the Firmware Update cases share: resetting the object, reading State and Update Result,
 * waiting for a state with a deadline that scales with the package (bytes over the throughput
 * measured while it moves, times a factor, never below a floor), and the per-block figures of a
 * push for the evidence and the `timing.lwm2m.fw.block` budget.
 * @see docs/spec/lwm2m.md §4.6, §1.8
 */
import { ContentFormat } from '../../../src/codec/coap/content-format.ts';
import type { CaseContext } from '../../../src/conformance/index.ts';
import { sleep, type Lwm2mSide } from './lwm2m-data.ts';

/** Firmware states (/5/0/3). */
export const FwState = { IDLE: 0, DOWNLOADING: 1, DOWNLOADED: 2, UPDATING: 3 } as const;
/** Update Result 5: integrity check failure. */
export const RESULT_INTEGRITY = 5;

/** No transfer or state wait is judged on less than this (a slow device's first answers). */
export const FLOOR_MS = 5000;
/** Slack over the measured throughput before a transfer counts as stalled. */
export const THROUGHPUT_FACTOR = 4;
/** Throughput assumed before anything was measured (a slow serial-backed board), bytes/s. */
const ASSUMED_BYTES_PER_S = 2000;

/** The case timeout for moving `bytes` a few times: floor plus the assumed worst throughput. */
export function caseTimeoutMs(bytes: number, transfers = 1): number {
  return 20_000 + Math.ceil((bytes * transfers * 1000 * 2) / ASSUMED_BYTES_PER_S);
}

/** Deadline for `bytes` at a measured throughput: bytes / throughput × factor, at least the floor. */
export function transferBudgetMs(bytes: number, bytesPerS: number | undefined): number {
  const rate = bytesPerS !== undefined && bytesPerS > 0 ? bytesPerS : ASSUMED_BYTES_PER_S;
  return Math.max(FLOOR_MS, Math.ceil((bytes / rate) * 1000 * THROUGHPUT_FACTOR));
}

/** Empty Package write (reset to Idle), ignoring the outcome: clean-up, not a verdict. */
export async function resetFirmware(side: Lwm2mSide): Promise<void> {
  await side.server.write(side.endpoint, '/5/0/0', { format: ContentFormat.OCTET_STREAM, payload: new Uint8Array(0) }).catch(() => undefined);
}

/** Empty Package URI write, ignoring the outcome. */
export async function resetPackageUri(side: Lwm2mSide): Promise<void> {
  await side.server.write(side.endpoint, '/5/0/1', { format: ContentFormat.TEXT_PLAIN, payload: new Uint8Array(0) }).catch(() => undefined);
}

/** The integer at a single-resource path, judged as a 2.05 with an integer record. */
export async function readInt(ctx: CaseContext, path: '/5/0/3' | '/5/0/5' | '/5/0/9'): Promise<number> {
  const records = ctx.expect.lwm2mContent(await ctx.lwm2m.server.read(ctx.lwm2m.endpoint, path));
  const segments = path.split('/').slice(1).map(Number) as [number, number, number];
  const value = ctx.expect.lwm2mRecord(records, segments).value;
  const n = value.type === 'integer' || value.type === 'unsigned' ? Number(value.value) : Number.NaN;
  ctx.expect.that(Number.isInteger(n), { check: `${path} type`, expected: 'an integer', actual: `${value.type} ${String(value.value)}` });
  return n;
}

/** State and Update Result, read one after the other. */
export async function readFirmware(ctx: CaseContext): Promise<{ state: number; result: number }> {
  return { state: await readInt(ctx, '/5/0/3'), result: await readInt(ctx, '/5/0/5') };
}

/** What a wait for a firmware state saw. */
export interface StateWait {
  state: number;
  result: number;
  waitedMs: number;
  /** Every distinct (state, result) seen, in order: `1/0 → 0/5`. */
  seen: string[];
  isReached: boolean;
}

/**
 * Poll State and Update Result until `done` says so. `deadlineMs` is asked again after every
 * poll, so a deadline that follows measured progress (a pull) can grow while bytes still move.
 */
export async function waitForFirmware(ctx: CaseContext, done: (s: { state: number; result: number }) => boolean, deadlineMs: () => number, pollMs = 100): Promise<StateWait> {
  const started = performance.now();
  const seen: string[] = [];
  for (;;) {
    const now = await readFirmware(ctx);
    const label = `${now.state}/${now.result}`;
    if (seen.at(-1) !== label) seen.push(label);
    const waitedMs = performance.now() - started;
    if (done(now)) return { ...now, waitedMs, seen, isReached: true };
    if (waitedMs > deadlineMs()) return { ...now, waitedMs, seen, isReached: false };
    await sleep(pollMs);
  }
}

/** Round trips of the blocks of a push, with the throughput they give. */
export interface PushFigures {
  blocks: number;
  bytes: number;
  wallMs: number;
  bytesPerS: number;
  rttsMs: number[];
}

/** Figures of a block-wise write response (`exchanges` are the blocks). */
export function pushFigures(rsp: { exchanges: readonly { rttMs: number }[] }, bytes: number, wallMs: number): PushFigures {
  return { blocks: rsp.exchanges.length, bytes, wallMs, bytesPerS: wallMs > 0 ? (bytes / wallMs) * 1000 : Number.POSITIVE_INFINITY, rttsMs: rsp.exchanges.map((x) => x.rttMs) };
}

/** `p50 1.2 ms, p95 3.4 ms, max 5.6 ms` of a list of figures. */
export function percentiles(values: readonly number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN };
}
