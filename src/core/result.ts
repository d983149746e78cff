/** Result of a decoder: decoders return errors as values and never throw on hostile bytes. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** Wrap a value as a successful result. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** Wrap an error as a failed result. */
export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/**
 * Why a decoder refused its input. `incomplete` means more bytes could complete it (a stream
 * decoder waits); `invalid` means no continuation can make it valid.
 */
export interface DecodeFailure {
  kind: 'incomplete' | 'invalid' | 'limit';
  /** Byte offset where the problem was found. */
  at: number;
  message: string;
}
