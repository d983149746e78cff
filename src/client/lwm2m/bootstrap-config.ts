/**
 * What a bootstrap server writes: a Security (0) instance naming a server account (URI,
 * Bootstrap-Server flag, Security Mode NoSec or PSK with identity and key, Short Server ID) and
 * a Server (1) instance (Short Server ID, lifetime, default periods, binding), as value records
 * any content format can carry.
 * @see docs/spec/lwm2m.md §4.1 (Security), §4.2 (Server), §2.3 (Bootstrap-Write)
 */
import type { Lwm2mRecord, Lwm2mValue } from '../../codec/lwm2m/types.ts';

/** Security Mode values (Security resource 2). */
export const SecurityMode = { PSK: 0, RPK: 1, CERTIFICATE: 2, NOSEC: 3, CERT_EST: 4 } as const;

/** A server account as the Security object holds it. */
export interface SecurityAccount {
  /** LwM2M Server URI (`coap://HOST:PORT`, `coaps://…`). */
  serverUri: string;
  /** True for the bootstrap server's own account (default false). */
  bootstrapServer?: boolean;
  /** `nosec` (mode 3) or `psk` (mode 0). */
  mode: 'nosec' | 'psk';
  /** PSK identity (UTF-8 text or bytes), mode `psk`. */
  pskIdentity?: string | Uint8Array;
  /** PSK key bytes, mode `psk`. */
  pskKey?: Uint8Array;
  /** Short Server ID (1-65534); required for a DM server account. */
  shortServerId?: number;
  /** Client Hold Off Time in seconds (resource 11). */
  holdOffS?: number;
}

/** A DM server account as the Server object holds it. */
export interface ServerAccount {
  shortServerId: number;
  lifetimeS: number;
  /** Binding (default `U`). */
  binding?: string;
  defaultPminS?: number;
  defaultPmaxS?: number;
  /** Notification Storing When Disabled or Offline (default false). */
  notificationStoring?: boolean;
}

const int = (n: number): Lwm2mValue => ({ type: 'integer', value: BigInt(n) });
const opaque = (b: Uint8Array): Lwm2mValue => ({ type: 'opaque', value: b });

function checkShortServerId(id: number, where: string): void {
  if (!Number.isInteger(id) || id < 1 || id > 65534) throw new RangeError(`${where}: Short Server ID ${id} out of 1-65534`);
}

/** Records of Security instance `/0/iid`; throws RangeError for an account that cannot be written. */
export function securityRecords(iid: number, account: SecurityAccount): Lwm2mRecord[] {
  const isBootstrap = account.bootstrapServer === true;
  if (!isBootstrap && account.shortServerId === undefined) throw new RangeError(`/0/${iid}: a DM server account needs a Short Server ID`);
  if (account.shortServerId !== undefined) checkShortServerId(account.shortServerId, `/0/${iid}`);
  if (account.mode === 'psk' && (account.pskIdentity === undefined || account.pskKey === undefined)) throw new RangeError(`/0/${iid}: PSK mode needs an identity and a key`);
  const identity = typeof account.pskIdentity === 'string' ? new TextEncoder().encode(account.pskIdentity) : account.pskIdentity ?? new Uint8Array(0);
  const at = (rid: number, value: Lwm2mValue): Lwm2mRecord => ({ path: [0, iid, rid], value });
  const records = [
    at(0, { type: 'string', value: account.serverUri }),
    at(1, { type: 'boolean', value: isBootstrap }),
    at(2, int(account.mode === 'psk' ? SecurityMode.PSK : SecurityMode.NOSEC)),
    at(3, opaque(account.mode === 'psk' ? identity : new Uint8Array(0))),
    at(4, opaque(new Uint8Array(0))),
    at(5, opaque(account.mode === 'psk' ? account.pskKey! : new Uint8Array(0))),
  ];
  if (account.shortServerId !== undefined) records.push(at(10, int(account.shortServerId)));
  if (account.holdOffS !== undefined) records.push(at(11, int(account.holdOffS)));
  return records;
}

/** Records of Server instance `/1/iid`; throws RangeError for a bad Short Server ID or lifetime. */
export function serverRecords(iid: number, account: ServerAccount): Lwm2mRecord[] {
  checkShortServerId(account.shortServerId, `/1/${iid}`);
  if (!Number.isInteger(account.lifetimeS) || account.lifetimeS < 1) throw new RangeError(`/1/${iid}: lifetime ${account.lifetimeS} must be an integer >= 1`);
  const at = (rid: number, value: Lwm2mValue): Lwm2mRecord => ({ path: [1, iid, rid], value });
  const records = [at(0, int(account.shortServerId)), at(1, int(account.lifetimeS))];
  if (account.defaultPminS !== undefined) records.push(at(2, int(account.defaultPminS)));
  if (account.defaultPmaxS !== undefined) records.push(at(3, int(account.defaultPmaxS)));
  records.push(at(6, { type: 'boolean', value: account.notificationStoring ?? false }), at(7, { type: 'string', value: account.binding ?? 'U' }));
  return records;
}
