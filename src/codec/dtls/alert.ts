/**
 * Alert messages: two bytes, level and description.
 * @see RFC 5246 §7.2
 */
import type { DecodeFailure, Result } from '../../core/result.ts';
import { AlertDescription } from './constants.ts';
import { readWire } from './reader.ts';

/** A decoded alert. */
export interface DtlsAlert {
  level: number;
  description: number;
}

/** Encode an alert. */
export function encodeDtlsAlert(alert: DtlsAlert): Uint8Array {
  return Uint8Array.of(alert.level & 0xff, alert.description & 0xff);
}

/** Decode an alert record's plaintext (exactly two bytes). */
export function decodeDtlsAlert(bytes: Uint8Array): Result<DtlsAlert, DecodeFailure> {
  return readWire(bytes, 'invalid', (r) => {
    const alert = { level: r.uint(1, 'alert level'), description: r.uint(1, 'alert description') };
    r.end('alert');
    return alert;
  });
}

const alertNames = new Map<number, string>(Object.entries(AlertDescription).map(([name, code]) => [code, name]));

/** The RFC name of an alert description, or `alert(N)` for one this implementation does not name. */
export function dtlsAlertName(description: number): string {
  return alertNames.get(description) ?? `alert(${description})`;
}
