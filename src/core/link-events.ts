/**
 * The kinds of link events (what happened on a link that is not a packet), in one place: the
 * serial framing decoder, the transports that emit them and the checks that look for them all
 * use these names.
 * @see ../../docs/spec/smp.md §4.2–4.3
 */

/** Framing problems the SMP serial decoder reports (a Zephyr device drops such lines silently). */
export const SERIAL_FRAME_PROBLEMS = ['bad-crc', 'bad-base64', 'line-too-long', 'length-mismatch', 'orphan-continuation', 'restarted', 'too-short'] as const;

/** One serial framing problem. */
export type SerialFrameProblem = (typeof SERIAL_FRAME_PROBLEMS)[number];

/** Every kind of link event: framing problems, console text, and socket or port trouble. */
export const LINK_EVENT_KINDS = [
  ...SERIAL_FRAME_PROBLEMS,
  /** A serial line that is not SMP framing (device console output). */
  'console',
  /** A partial serial packet dropped after the inter-byte timeout. */
  'stale-partial',
  /** The peer refused the datagram (ICMP port unreachable). */
  'refused',
  'socket-error',
  'port-error',
  /** The device side of a serial link closed. */
  'disconnected',
  /** A packet listener threw. */
  'listener-error',
  /** A DTLS session finished its handshake. */
  'dtls-established',
  /** A DTLS session ended (close_notify, alert, idle timeout). */
  'dtls-closed',
] as const;

/** One link event kind. */
export type LinkEventKind = (typeof LINK_EVENT_KINDS)[number];

const FRAME_PROBLEMS: ReadonlySet<string> = new Set(SERIAL_FRAME_PROBLEMS);

/** True when `kind` (e.g. a trace entry's note) names a serial framing problem. */
export function isSerialFrameProblem(kind: string | undefined): kind is SerialFrameProblem {
  return kind !== undefined && FRAME_PROBLEMS.has(kind);
}
