/**
 * The serial transport MTU: the largest SMP packet the device's serial transport takes. Zephyr's
 * UART and shell transports reassemble a frame into a buffer of `..._UART_MTU` / `..._SHELL_MTU`
 * bytes (default 256) and drop a larger frame without a word, while MCUmgr params report the
 * netbuf size. Declared with `?mtu=N`, else measured here: the largest echo the device answers,
 * by binary search between a safe floor and the buffer size. An error reply still means the frame
 * got through (the transport took it); only silence means it was dropped.
 * @see docs/spec/smp.md §4.3, §4.4, §4.7; docs/architecture.md "Limits the device sets"
 */
import type { SmpClient } from '../../client/smp-client.ts';
import { encodeCbor } from '../../codec/cbor/cbor.ts';
import { SMP_HEADER_BYTES } from '../../codec/smp/constants.ts';
import { smpRequest } from '../../codec/smp/command.ts';
import { osCommands } from '../../codec/smp/groups/index.ts';
import { ResponseTimeoutError } from '../../errors.ts';

/** Packets this small fit every serial transport Zephyr has (its shell line buffer is 127 bytes). */
export const SAFE_FLOOR_PACKET_BYTES = 64;
/** The search stops when the answered and the dropped size are this close. */
const SEARCH_STEP_BYTES = 4;
/**
 * Serial MTUs tried before the binary search: Zephyr's default `..._UART_MTU`/`..._SHELL_MTU`
 * (256) and the sizes boards commonly raise it to. Each dropped probe costs a whole response
 * timeout, so a hit here (the size answered, one byte more dropped) saves most of the search.
 */
const LIKELY_MTU_BYTES = [256, 512, 1024] as const;

/** What one probe saw. */
export interface MtuProbe {
  packetBytes: number;
  /** `answered`: a success reply; `error`: an error reply (the frame got through); `silent`: dropped. */
  seen: 'answered' | 'error' | 'silent';
}

/** The transport MTU and where it came from. */
export interface TransportMtu {
  /** Largest packet (header + CBOR) known to get through; undefined when not even the floor did. */
  bytes: number | undefined;
  source: 'declared' | 'measured';
  /** Measured: every probe, in order. */
  probes?: MtuProbe[];
}

/** Size of the echo request packet whose text is `n` bytes. */
export function echoPacketBytes(n: number): number {
  return SMP_HEADER_BYTES + encodeCbor(smpRequest(osCommands.echo, { d: 'm'.repeat(n) }).body).length;
}

/** Longest echo text whose request packet is at most `packetBytes` (0 when none fits). */
export function echoTextFor(packetBytes: number): number {
  let n = Math.max(0, packetBytes - echoPacketBytes(0));
  while (n > 0 && echoPacketBytes(n) > packetBytes) n--;
  return n;
}

async function probe(client: SmpClient, packetBytes: number, timeoutMs: number): Promise<MtuProbe> {
  const n = echoTextFor(packetBytes);
  const size = echoPacketBytes(n);
  try {
    const reply = await client.request(smpRequest(osCommands.echo, { d: 'm'.repeat(n) }), { timeoutMs });
    return { packetBytes: size, seen: reply.body.kind === 'ok' ? 'answered' : 'error' };
  } catch (e) {
    if (!(e instanceof ResponseTimeoutError)) throw e;
    return { packetBytes: size, seen: 'silent' };
  }
}

/**
 * Measure the largest echo packet in [floor, ceiling] the device answers (a reply of any kind);
 * one probe when the ceiling gets through.
 */
export async function measureTransportMtu(client: SmpClient, options: { ceilingBytes: number; timeoutMs: number; floorBytes?: number }): Promise<TransportMtu> {
  const probes: MtuProbe[] = [];
  const ask = async (bytes: number): Promise<boolean> => {
    const p = await probe(client, bytes, options.timeoutMs);
    probes.push(p);
    return p.seen !== 'silent';
  };
  const floor = Math.min(options.floorBytes ?? SAFE_FLOOR_PACKET_BYTES, options.ceilingBytes);
  if (await ask(options.ceilingBytes)) return { bytes: echoPacketBytes(echoTextFor(options.ceilingBytes)), source: 'measured', probes };
  if (!(await ask(floor))) return { bytes: undefined, source: 'measured', probes };
  let lo = floor;
  let hi = options.ceilingBytes;
  for (const guess of LIKELY_MTU_BYTES) {
    if (guess <= lo || guess + 1 >= hi) continue;
    if (!(await ask(guess))) {
      hi = guess;
      break;
    }
    lo = guess;
    if (!(await ask(guess + 1))) {
      hi = guess + 1;
      break;
    }
    lo = guess + 1;
  }
  while (hi - lo > SEARCH_STEP_BYTES) {
    const mid = Math.floor((lo + hi) / 2);
    if (await ask(mid)) lo = mid;
    else hi = mid;
  }
  return { bytes: echoPacketBytes(echoTextFor(lo)), source: 'measured', probes };
}
