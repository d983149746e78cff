/**
 * The LwM2M data model shared by every content format: resource data types, typed values,
 * and the records (path + value) that hierarchical formats carry.
 * @see docs/spec/lwm2m.md §3, §4
 */
import type { Lwm2mPath } from './path.ts';

/** Resource data types of the OMA registry (LwM2M 1.1 adds unsigned and corelnk). */
export type ResourceType = 'string' | 'integer' | 'unsigned' | 'float' | 'boolean' | 'opaque' | 'time' | 'objlnk' | 'corelnk' | 'none';

/** An object link value `oid:iid`. */
export interface ObjectLink {
  objectId: number;
  instanceId: number;
}

/**
 * A typed resource value. Integers, unsigned integers and times are bigint so 64-bit values
 * survive every format that can carry them exactly.
 */
export type Lwm2mValue =
  | { type: 'string'; value: string }
  | { type: 'integer'; value: bigint }
  | { type: 'unsigned'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'opaque'; value: Uint8Array }
  | { type: 'time'; value: bigint }
  | { type: 'objlnk'; value: ObjectLink }
  | { type: 'corelnk'; value: string };

/** One value at a resource or resource-instance path, with an optional SenML time. */
export interface Lwm2mRecord {
  path: Lwm2mPath;
  value: Lwm2mValue;
  /**
   * Time in seconds as carried (SenML `bt` + `t`, LwM2M JSON `bt` + `t`); RFC 8428 reads values
   * below 2^28 as relative to now, which is left to the caller.
   */
  time?: number;
}

/** Tells a decoder the type of the resource at a path (undefined: unknown resource). */
export type ResourceTypeOf = (path: Lwm2mPath) => ResourceType | undefined;

/** Why a content decoder refused its input; `at` is a byte offset or record index as named. */
export interface Lwm2mFormatFailure {
  kind: 'incomplete' | 'invalid' | 'limit';
  at: number;
  message: string;
}

/** Signed 64-bit bounds (LwM2M Integer and Time). */
export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;
/** Unsigned 64-bit bound (LwM2M Unsigned Integer). */
export const UINT64_MAX = (1n << 64n) - 1n;
