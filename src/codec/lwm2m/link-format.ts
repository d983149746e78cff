/**
 * CoRE link format (RFC 6690, Content-Format 40) as LwM2M uses it: Register/Update payloads
 * (`</>;rt="oma.lwm2m";ct=110,</1/0>,</3>;ver=1.1`) and Discover answers with attributes.
 * Parsing is tolerant: a malformed link is skipped with a finding naming its offset, and the
 * other links are still returned.
 * @see docs/spec/lwm2m.md §2.4, §2.5 (RFC 6690 §2)
 */
import { parsePath, type Lwm2mPath } from './path.ts';

/** One link parameter; `value` is undefined for a bare name (`;Q`), `quoted` for `"…"` values. */
export interface LinkParam {
  name: string;
  value?: string;
  quoted: boolean;
}

/** One link: target URI, its LwM2M path when the target is one, and parameters in order. */
export interface CoreLink {
  target: string;
  path?: Lwm2mPath;
  params: LinkParam[];
}

/** A problem found while parsing; `at` is the character offset in the payload. */
export interface LinkFinding {
  kind: 'missing-angle-brackets' | 'unterminated-target' | 'unterminated-quote' | 'bad-param' | 'empty-link' | 'trailing-garbage';
  at: number;
  message: string;
}

/** Links plus findings for the parts that could not be read. */
export interface ParsedLinkFormat {
  links: CoreLink[];
  findings: LinkFinding[];
}

/** Split at top-level commas (outside `<…>` and quotes); returns [start, text] pairs. */
function splitLinks(text: string): Array<[number, string]> {
  const parts: Array<[number, string]> = [];
  let start = 0;
  let inQuote = false;
  let inTarget = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && !inTarget && text[i - 1] !== '\\') inQuote = !inQuote;
    else if (!inQuote && c === '<') inTarget = true;
    else if (!inQuote && c === '>') inTarget = false;
    else if (!inQuote && !inTarget && c === ',') {
      parts.push([start, text.slice(start, i)]);
      start = i + 1;
    }
  }
  parts.push([start, text.slice(start)]);
  return parts;
}

function parseParams(text: string, offset: number, findings: LinkFinding[]): LinkParam[] | undefined {
  const params: LinkParam[] = [];
  const pattern = /;\s*([A-Za-z0-9!#$&+.^_`|~-]+)(?:=(?:"((?:[^"\\]|\\.)*)"|([^;",]*)))?/y;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m) {
      const unterminated = text.slice(at).includes('"');
      findings.push({ kind: unterminated ? 'unterminated-quote' : 'bad-param', at: offset + at, message: `cannot read link parameter at "${text.slice(at, at + 20)}"` });
      return undefined;
    }
    const [, name = '', quotedValue, tokenValue] = m;
    if (quotedValue !== undefined) params.push({ name, value: quotedValue.replace(/\\(.)/g, '$1'), quoted: true });
    else params.push(tokenValue === undefined ? { name, quoted: false } : { name, value: tokenValue, quoted: false });
    at = pattern.lastIndex;
  }
  return params;
}

function parseLink(text: string, offset: number, findings: LinkFinding[]): CoreLink | undefined {
  const lead = text.length - text.trimStart().length;
  const body = text.trim();
  if (body === '') {
    findings.push({ kind: 'empty-link', at: offset, message: 'empty link between commas' });
    return undefined;
  }
  if (!body.startsWith('<')) {
    findings.push({ kind: 'missing-angle-brackets', at: offset + lead, message: `link "${body.slice(0, 20)}" does not start with "<"` });
    return undefined;
  }
  const close = body.indexOf('>');
  if (close < 0) {
    findings.push({ kind: 'unterminated-target', at: offset + lead, message: 'link target has no closing ">"' });
    return undefined;
  }
  const target = body.slice(1, close);
  const rest = body.slice(close + 1);
  if (rest !== '' && !rest.startsWith(';')) {
    findings.push({ kind: 'trailing-garbage', at: offset + lead + close + 1, message: `unexpected "${rest.slice(0, 20)}" after the link target` });
    return undefined;
  }
  const params = parseParams(rest, offset + lead + close + 1, findings);
  if (!params) return undefined;
  const path = parsePath(target);
  return path.ok ? { target, path: path.value, params } : { target, params };
}

/** Parse a link-format payload. An empty payload has no links and no findings. */
export function parseLinkFormat(text: string): ParsedLinkFormat {
  const findings: LinkFinding[] = [];
  const links: CoreLink[] = [];
  if (text.trim() === '') return { links, findings };
  for (const [start, part] of splitLinks(text)) {
    const link = parseLink(part, start, findings);
    if (link) links.push(link);
  }
  return { links, findings };
}

function formatParam(param: LinkParam): string {
  if (param.value === undefined) return `;${param.name}`;
  return param.quoted ? `;${param.name}="${param.value.replace(/(["\\])/g, '\\$1')}"` : `;${param.name}=${param.value}`;
}

/** Build a link-format payload: `<target>;name=value,…` with no spaces. */
export function formatLinkFormat(links: readonly CoreLink[]): string {
  return links.map((link) => `<${link.target}>${link.params.map(formatParam).join('')}`).join(',');
}

/** The first value of a parameter, or undefined when absent or bare. */
export function linkParam(link: CoreLink, name: string): string | undefined {
  return link.params.find((p) => p.name === name)?.value;
}
