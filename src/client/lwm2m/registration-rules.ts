/**
 * How the server judges a Register or Update request, as pure functions: the query parameters,
 * the Content-Format and the link payload, the answer code a server gives (4.00 for a missing
 * endpoint name, a bad lifetime or payload; 4.12 for an enabler version it does not support),
 * and the findings to record.
 * @see docs/spec/lwm2m.md §2.4, §2.8
 */
import { uintOptionOrUndefined } from '../../codec/coap/access.ts';
import { ContentFormat } from '../../codec/coap/content-format.ts';
import { CoapOption } from '../../codec/coap/options.ts';
import type { CoapMessage } from '../../codec/coap/message.ts';
import { linkParam, parseLinkFormat, type CoreLink } from '../../codec/lwm2m/link-format.ts';
import { parsePath } from '../../codec/lwm2m/path.ts';
import { interpretRegistration, parseRegisterQuery, type RegisterParams, type RegistrationContent } from '../../codec/lwm2m/registration.ts';
import type { RegistrationFinding } from './registration-types.ts';

/** Default lifetime when `lt=` is absent (LwM2M: 86400 s). */
export const DEFAULT_LIFETIME_S = 86_400;

/** Enabler versions this server accepts. */
export const SUPPORTED_VERSIONS: readonly string[] = ['1.0', '1.1', '1.2'];

type FindingDraft = Omit<RegistrationFinding, 'atMs' | 'endpoint'>;

/** A judged Register or Update. `code` is undefined when the request is acceptable. */
export interface RegistrationJudgement {
  params: RegisterParams;
  /** Present when the request carried a payload that parsed. */
  links: CoreLink[] | undefined;
  content: RegistrationContent | undefined;
  /** 4.00 or 4.12 when the request must be refused. */
  code: '4.00' | '4.12' | undefined;
  findings: FindingDraft[];
}

const QUEUE_BINDING_10 = /^(UQ|SQ|UQS)$/;

/** Queue mode as the enabler version defines it (`b=…Q…` in 1.0, the `Q` flag from 1.1). */
export function isQueueMode(params: RegisterParams): boolean {
  return params.queueMode || (params.binding !== undefined && QUEUE_BINDING_10.test(params.binding));
}

/**
 * Links with their object paths read below an alternate root (`</lwm2m/3/0>` under
 * `</lwm2m>;rt="oma.lwm2m"` is object 3 instance 0); targets stay as sent.
 */
export function belowRoot(links: readonly CoreLink[]): CoreLink[] {
  const root = links.find((l) => linkParam(l, 'rt') === 'oma.lwm2m')?.target;
  if (root === undefined || root === '/') return [...links];
  return links.map((link) => {
    if (!link.target.startsWith(`${root}/`)) return link;
    const parsed = parsePath(link.target.slice(root.length));
    return parsed.ok ? { ...link, path: parsed.value } : link;
  });
}

function judgePayload(message: CoapMessage, required: boolean, findings: FindingDraft[]): { links: CoreLink[]; content: RegistrationContent } | undefined {
  const format = uintOptionOrUndefined(message, CoapOption.CONTENT_FORMAT);
  if (message.payload.length === 0) {
    if (required) findings.push({ kind: 'bad-payload', message: 'Register carries no object list' });
    return undefined;
  }
  if (format !== undefined && format !== ContentFormat.LINK_FORMAT) {
    findings.push({ kind: 'bad-content-format', message: `object list in Content-Format ${format}, not 40 (link format)` });
    return undefined;
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(message.payload);
  const parsed = parseLinkFormat(text);
  for (const f of parsed.findings) findings.push({ kind: 'bad-payload', message: `link format at ${f.at}: ${f.message}` });
  if (parsed.findings.length > 0 || parsed.links.length === 0) {
    if (parsed.links.length === 0 && parsed.findings.length === 0) findings.push({ kind: 'bad-payload', message: 'object list has no links' });
    return undefined;
  }
  const content = interpretRegistration(belowRoot(parsed.links));
  if (content.objects.some((o) => o.objectId === 0)) findings.push({ kind: 'security-object-listed', message: 'object list names the Security object (0), which must not be listed' });
  return { links: parsed.links, content };
}

function judgeQuery(queries: readonly string[], isRegister: boolean, findings: FindingDraft[]): { params: RegisterParams; refuse: boolean } {
  const { params, findings: queryFindings } = parseRegisterQuery(queries);
  let refuse = false;
  for (const f of queryFindings) {
    if (f.kind === 'unknown') findings.push({ kind: 'unknown-query', message: f.message });
    else {
      findings.push({ kind: 'bad-query', message: f.message });
      refuse = true;
    }
  }
  if (params.lifetime === 0) {
    findings.push({ kind: 'bad-query', message: 'lt=0: a registration needs a lifetime of at least 1 s' });
    refuse = true;
  }
  if (!isRegister && (params.endpoint !== undefined || params.lwm2mVersion !== undefined)) {
    findings.push({ kind: 'bad-query', message: 'Update carries ep= or lwm2m=, which only Register defines' });
  }
  if (params.lwm2mVersion !== undefined && params.lwm2mVersion !== '1.0' && params.binding?.includes('Q')) {
    findings.push({ kind: 'version-mismatch', message: `b=${params.binding} with lwm2m=${params.lwm2mVersion}: from 1.1 queue mode is the Q parameter` });
  }
  // An Update carries no lwm2m=, so only a Register can show the version the Q flag contradicts.
  if (isRegister && params.queueMode && (params.lwm2mVersion === undefined || params.lwm2mVersion === '1.0')) {
    findings.push({ kind: 'version-mismatch', message: 'Q parameter with LwM2M 1.0, which signals queue mode in b=' });
  }
  return { params, refuse };
}

/** Judge a Register (POST /rd). */
export function judgeRegister(message: CoapMessage, queries: readonly string[]): RegistrationJudgement {
  const findings: FindingDraft[] = [];
  const { params, refuse } = judgeQuery(queries, true, findings);
  let code: RegistrationJudgement['code'] = refuse ? '4.00' : undefined;
  if (params.endpoint === undefined || params.endpoint === '') {
    findings.push({ kind: 'missing-endpoint', message: 'Register without an endpoint name (ep=)' });
    code = '4.00';
  }
  const payload = judgePayload(message, true, findings);
  if (!payload) code = '4.00';
  if (code === undefined && params.lwm2mVersion !== undefined && !SUPPORTED_VERSIONS.includes(params.lwm2mVersion)) {
    findings.push({ kind: 'unsupported-version', message: `lwm2m=${params.lwm2mVersion} is not a version this server supports (${SUPPORTED_VERSIONS.join(', ')})` });
    code = '4.12';
  }
  return { params, links: payload?.links, content: payload?.content, code, findings };
}

/** Judge an Update (POST /rd/<id>): the query and, when present, the new object list. */
export function judgeUpdate(message: CoapMessage, queries: readonly string[]): RegistrationJudgement {
  const findings: FindingDraft[] = [];
  const { params, refuse } = judgeQuery(queries, false, findings);
  const hasPayload = message.payload.length > 0;
  const payload = hasPayload ? judgePayload(message, false, findings) : undefined;
  const code = refuse || (hasPayload && !payload) ? '4.00' : undefined;
  return { params, links: payload?.links, content: payload?.content, code, findings };
}
