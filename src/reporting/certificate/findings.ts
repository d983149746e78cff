/**
 * Security findings derived from what a run saw: management groups the target answered over an IP
 * transport with no authentication (SMP has none of its own: docs/spec/smp.md), LwM2M without DTLS,
 * and images with a bad header or signature the target took in. Each finding names the cases whose
 * outcomes show it.
 */
import type { CaseSummary, JsonValue } from '../summary.ts';
import type { SummaryTarget } from './summary-file.ts';

/** How much a finding matters to someone deploying the device. */
export type Severity = 'high' | 'medium' | 'info';

/** One finding, with the case ids it is derived from. */
export interface SecurityFinding {
  id: string;
  severity: Severity;
  title: string;
  detail: string;
  caseIds: string[];
}

/** Transports that carry management traffic over an IP network. */
const IP_TRANSPORTS = /^(udp|udp4|udp6|tcp|tcp4|tcp6|coap|coap\+tcp|ip)$/i;

const answered = (c: CaseSummary): boolean => c.outcome === 'pass' || c.outcome === 'nonStrict' || c.outcome === 'informational';

function idsWhere(cases: readonly CaseSummary[], prefixes: readonly string[], keep: (c: CaseSummary) => boolean): string[] {
  return cases.filter((c) => prefixes.some((p) => c.id.startsWith(p)) && keep(c)).map((c) => c.id);
}

function unauthenticatedGroup(target: SummaryTarget, id: string, what: string, prefixes: readonly string[]): SecurityFinding | undefined {
  if (!IP_TRANSPORTS.test(target.transport)) return undefined;
  const caseIds = idsWhere(target.cases, prefixes, answered);
  if (caseIds.length === 0) return undefined;
  return {
    id,
    severity: 'high',
    title: `Unauthenticated ${what} over IP`,
    detail: `The target answered ${what} requests over ${target.transport} without any authentication: anyone who can reach the port can use it.`,
    caseIds,
  };
}

function lwm2mSecurityMode(identity: SummaryTarget['identity']): string | undefined {
  const lwm2m: JsonValue | undefined = identity['lwm2m'];
  if (typeof lwm2m !== 'object' || lwm2m === null || Array.isArray(lwm2m)) return undefined;
  const mode = lwm2m['securityMode'];
  return typeof mode === 'string' ? mode : undefined;
}

function lwm2mNoSec(target: SummaryTarget): SecurityFinding | undefined {
  const mode = lwm2mSecurityMode(target.identity);
  const plain = mode !== undefined ? /^(nosec|none|3)$/i.test(mode) : /^(udp|udp4|udp6|coap)$/i.test(target.transport);
  const caseIds = idsWhere(target.cases, ['LWM2M-'], answered);
  if (!plain || caseIds.length === 0) return undefined;
  return {
    id: 'lwm2m-nosec',
    severity: 'high',
    title: 'LwM2M in NoSec mode',
    detail: `The LwM2M client talked to the server without DTLS (${mode !== undefined ? `security mode ${mode}` : `plain ${target.transport}`}): registration, reads and writes travel in clear and unauthenticated.`,
    caseIds,
  };
}

/**
 * Cases that refuse an image whose header is damaged: a failure means the image was taken in.
 * Some are SHOULD (the SMP text does not require the check on upload: docs/level-changes.md), so
 * their failure is `nonStrict`; it is the same finding for whoever deploys the device.
 */
const CORRUPT_HEADER_CASES = ['SMP-IMG-DFU-101', 'SMP-IMG-DFU-102', 'SMP-IMG-DFU-103', 'SMP-IMG-UPLOAD-004', 'SMP-IMG-UPLOAD-007'];
/** Cases that upload an image with a bad signature, another key's signature, or no hash TLV. */
const UNSIGNED_IMAGE_CASES = ['SMP-IMG-DFU-107', 'SMP-IMG-DFU-108', 'SMP-IMG-DFU-115'];

function corruptAccepted(target: SummaryTarget): SecurityFinding | undefined {
  const caseIds = idsWhere(target.cases, CORRUPT_HEADER_CASES, (c) => c.outcome === 'fail' || c.outcome === 'nonStrict');
  if (caseIds.length === 0) return undefined;
  return {
    id: 'corrupt-image-accepted',
    severity: 'high',
    title: 'Corrupt images accepted',
    detail: 'The target took in an image whose header is damaged, where it should refuse the first chunk (err 23).',
    caseIds,
  };
}

function unsignedStored(target: SummaryTarget): SecurityFinding | undefined {
  const caseIds = idsWhere(target.cases, UNSIGNED_IMAGE_CASES, answered);
  if (caseIds.length === 0) return undefined;
  return {
    id: 'unsigned-image-stored',
    severity: 'medium',
    title: 'Unsigned or wrongly signed images stored',
    detail: 'Images with a bad signature, another key\'s signature or no hash were written to the secondary slot; only the bootloader\'s check at boot keeps them from running.',
    caseIds,
  };
}

/** Every finding for one target, most severe first. */
export function securityFindings(target: SummaryTarget): SecurityFinding[] {
  const all = [
    unauthenticatedGroup(target, 'unauthenticated-image-upload', 'image upload', ['SMP-IMG-UPLOAD-', 'SMP-IMG-DFU-']),
    unauthenticatedGroup(target, 'unauthenticated-shell', 'shell command execution', ['SMP-SHELL-']),
    unauthenticatedGroup(target, 'unauthenticated-fs', 'file system access', ['SMP-FS-']),
    lwm2mNoSec(target),
    corruptAccepted(target),
    unsignedStored(target),
  ].filter((f): f is SecurityFinding => f !== undefined);
  const rank: Record<Severity, number> = { high: 0, medium: 1, info: 2 };
  return all.sort((a, b) => rank[a.severity] - rank[b.severity]);
}
