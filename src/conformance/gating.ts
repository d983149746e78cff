/**
 * Capability gating: a case runs only where the target has what it needs; otherwise it is
 * unsupported, with the reason (which capability, and how its absence was found).
 * @see docs/architecture.md "Cases" (unsupported), "Capabilities"
 */
import type { CaseInfo } from './declaration.ts';
import type { Protocol } from './meta.ts';
import type { CaseLwm2mSide, CaseSession } from './session-port.ts';

/** Why the case cannot run on this session, or `undefined` when it can. */
export function unsupportedReason(info: CaseInfo, session: CaseSession): string | undefined {
  if (info.transports && !info.transports.some((t) => t === session.transportKind)) {
    return `runs only over ${info.transports.join(' or ')}; target ${session.targetName} uses ${session.transportKind}`;
  }
  if (info.destructive === true && !session.allowsDestructive) {
    return `destructive case; target ${session.targetName} does not allow destructive cases`;
  }
  const missing: string[] = [];
  for (const name of info.requires) {
    const status = session.capability(name);
    if (status.present) continue;
    missing.push(status.declared ? `${name} (declared in targets.json but not found: ${status.reason}; see SMP-CAP-DECLARED-001)` : `${name} (${status.reason})`);
  }
  if (missing.length > 0) return `target ${session.targetName} lacks ${missing.join(', ')}`;
  return undefined;
}

/**
 * Why an LwM2M case cannot run at all on this session (broken, not unsupported): the target has
 * an LwM2M side but its endpoint never registered. Decided once at session start, so every LwM2M
 * case ends at once with the same reason instead of waiting for a registration of its own.
 */
export function lwm2mBrokenReason(protocol: Protocol, info: Pick<CaseInfo, 'requires' | 'judgesRegisterRequests' | 'judgesDtlsHandshakes' | 'judgesBootstrap'>, session: CaseSession): string | undefined {
  const isLwm2m = protocol === 'LwM2M' || info.requires.some((n) => n === 'lwm2m' || n.startsWith('lwm2m.'));
  if (!isLwm2m) return undefined;
  const side = session.lwm2m;
  if (side?.unreachable !== undefined && judgesWhatArrived(side, info)) return undefined;
  return side?.unreachable;
}

/** True when the case judges traffic that did arrive from an endpoint that never registered. */
export function judgesWhatArrived(side: CaseLwm2mSide, info: Pick<CaseInfo, 'judgesRegisterRequests' | 'judgesDtlsHandshakes' | 'judgesBootstrap'>): boolean {
  return (
    (info.judgesRegisterRequests === true && hasRegisterRequest(side)) ||
    (info.judgesDtlsHandshakes === true && hasDtlsAttempt(side)) ||
    (info.judgesBootstrap === true && side.bootstrap !== undefined)
  );
}

/** True when the server saw at least one DTLS association start or end. */
export function hasDtlsAttempt(side: CaseLwm2mSide): boolean {
  return side.server.coap.dtlsEvents.length > 0;
}

/** True when the server recorded at least one Register request from the side's endpoint. */
export function hasRegisterRequest(side: CaseLwm2mSide): boolean {
  return side.server.history.some((h) => h.kind === 'register' && h.endpoint === side.endpoint);
}
