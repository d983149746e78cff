/** Types of the bare-socket reference client (`bare-client.mjs`). */
import type { Socket } from 'node:dgram';

/** Wait per send before the same packet is sent again (ms). */
export const BARE_TIMEOUT_MS: number;
/** Resends of one packet before the request fails. */
export const BARE_MAX_RESENDS: number;

/** Per-request wait and resend bound; defaults `BARE_TIMEOUT_MS`, `BARE_MAX_RESENDS`. */
export interface BareResendOptions {
  timeoutMs?: number;
  maxResends?: number;
}

export function bareFrame(op: number, group: number, id: number, seq: number, body: unknown): Uint8Array;
export function openBareSocket(port: number, onReply: (seq: number, id: number, group: number, body: Uint8Array) => void): Promise<Socket>;
export function bareEchoes(port: number, count: number, options?: BareResendOptions): Promise<{ rtts: number[]; resends: number }>;
export function bareUpload(
  port: number,
  image: Uint8Array,
  window: number,
  chunk: number,
  options?: BareResendOptions,
): Promise<{ ms: number; bytesPerSec: number; resends: number }>;
export function bareMalformedLoop(
  port: number,
  frames: readonly Uint8Array[],
  windowFrames: number,
  measureMs: number,
): Promise<{ framesSent: number; ms: number; framesPerSec: number; fences: number; fencesPassed: number }>;
