/**
 * LwM2M paths `/o`, `/o/i`, `/o/i/r`, `/o/i/r/ri` (and the root `/`): parse and format with
 * range checks. Each id is a decimal 0..65534; 65535 is reserved (MAX_ID).
 * @see docs/spec/lwm2m.md §2.1
 */
import { err, ok, type Result } from '../../core/result.ts';

/** Path segments from the object id down; length 0 (root) to 4 (resource instance). */
export type Lwm2mPath = readonly number[];

/** Largest id a path segment may carry; 65535 is reserved. */
export const MAX_LWM2M_ID = 65534;

/** Why a path string was refused; `segment` is the 0-based segment index where it applies. */
export type PathFailure =
  | { kind: 'not-absolute'; message: string }
  | { kind: 'too-many-segments'; count: number; message: string }
  | { kind: 'empty-segment'; segment: number; message: string }
  | { kind: 'not-numeric'; segment: number; text: string; message: string }
  | { kind: 'out-of-range'; segment: number; value: number; message: string };

/** Level names by segment count. */
export const PATH_LEVELS = ['root', 'object', 'instance', 'resource', 'resource-instance'] as const;
export type PathLevel = (typeof PATH_LEVELS)[number];

/** The level a path addresses (root … resource-instance). */
export function pathLevel(path: Lwm2mPath): PathLevel {
  return PATH_LEVELS[Math.min(path.length, 4)] ?? 'resource-instance';
}

/** True when every id is an integer 0..65534 and there are at most 4 segments. */
export function isValidPath(path: Lwm2mPath): boolean {
  return path.length <= 4 && path.every((id) => Number.isInteger(id) && id >= 0 && id <= MAX_LWM2M_ID);
}

/**
 * Parse `/3/0/7/1`, `/3`, or `/` (root). A trailing slash (`/3/0/`) is accepted as the form
 * SenML base names use. Leading zeros are accepted (`/03` = 3), as clients parse numbers.
 */
export function parsePath(text: string): Result<Lwm2mPath, PathFailure> {
  if (!text.startsWith('/')) return err({ kind: 'not-absolute', message: `path "${text}" must start with "/"` });
  const body = text.endsWith('/') ? text.slice(1, -1) : text.slice(1);
  if (body === '') return ok([]);
  return parseSegments(body.split('/'));
}

/** Parse already split segments (for example CoAP Uri-Path options). */
export function parseSegments(segments: readonly string[]): Result<Lwm2mPath, PathFailure> {
  if (segments.length > 4) return err({ kind: 'too-many-segments', count: segments.length, message: `path has ${segments.length} segments; at most 4 are allowed` });
  const path: number[] = [];
  for (const [index, segment] of segments.entries()) {
    if (segment === '') return err({ kind: 'empty-segment', segment: index, message: `segment ${index} is empty` });
    if (!/^[0-9]+$/.test(segment)) return err({ kind: 'not-numeric', segment: index, text: segment, message: `segment ${index} "${segment}" is not a decimal number` });
    const value = segment.length > 6 ? Number.POSITIVE_INFINITY : Number(segment);
    if (value > MAX_LWM2M_ID) return err({ kind: 'out-of-range', segment: index, value, message: `segment ${index} ${segment} is above ${MAX_LWM2M_ID} (65535 is reserved)` });
    path.push(value);
  }
  return ok(path);
}

/** Format a path: `[]` → `/`, `[3, 0]` → `/3/0`. */
export function formatPath(path: Lwm2mPath): string {
  return path.length === 0 ? '/' : `/${path.join('/')}`;
}

/** True when `prefix` addresses `path` or one of its ancestors. */
export function pathStartsWith(path: Lwm2mPath, prefix: Lwm2mPath): boolean {
  return prefix.length <= path.length && prefix.every((id, i) => path[i] === id);
}

/** Compare paths segment by segment (shorter first on a tie), for sorting records. */
export function comparePaths(a: Lwm2mPath, b: Lwm2mPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
