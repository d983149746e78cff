/** Types of the bare-socket reference client (`bare-client.mjs`). */
import type { Socket } from 'node:dgram';

export function bareFrame(op: number, group: number, id: number, seq: number, body: unknown): Uint8Array;
export function openBareSocket(port: number, onReply: (seq: number, id: number, group: number, body: Uint8Array) => void): Promise<Socket>;
export function bareEchoes(port: number, count: number): Promise<number[]>;
export function bareUpload(port: number, image: Uint8Array, window: number, chunk: number): Promise<{ ms: number; bytesPerSec: number }>;
export function bareMalformedLoop(
  port: number,
  frames: readonly Uint8Array[],
  windowFrames: number,
  measureMs: number,
): Promise<{ framesSent: number; ms: number; framesPerSec: number; fences: number; fencesPassed: number }>;
