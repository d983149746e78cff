/**
 * Quoted requirement sentences of the LwM2M suites: every `spec.quote` given for the LwM2M
 * digest is found verbatim in docs/spec/lwm2m.md, and every MUST case of the firmware, observe
 * and timing suites carries one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const digest = readFileSync(join(root, 'docs/spec/lwm2m.md'), 'utf8');
const dir = join(root, 'suites/lwm2m');
/** `doc: 'lwm2m-digest', section: <literal or constant>, quote: '<text>'`. */
const DIGEST_QUOTE = /doc:\s*'lwm2m-digest',\s*section:\s*(?:'(?:[^'\\]|\\.)*'|[A-Z0-9_]+),\s*quote:\s*'((?:[^'\\]|\\.)*)'/g;
/** In the suites below every quote is the digest's: `quote: '...'` and `..._QUOTE = '...'` literals. */
const ANY_QUOTE = /(?:quote:\s*|_QUOTE\s*=\s*)'((?:[^'\\]|\\.)*)'/g;
const QUOTED_SUITES = ['firmware.suite.ts', 'firmware-push.suite.ts', 'observe.suite.ts', 'observe-timing.suite.ts', 'coap-timing.suite.ts'];

const text = (file: string): string => readFileSync(join(dir, file), 'utf8');

describe('LwM2M spec quotes', () => {
  it('finds every quoted sentence of the LwM2M digest verbatim in docs/spec/lwm2m.md', () => {
    const all = readdirSync(dir).filter((f) => f.endsWith('.suite.ts')).flatMap((file) => [...text(file).matchAll(DIGEST_QUOTE)].map((m) => ({ file, quote: m[1]!.replace(/\\(.)/g, '$1') })));
    expect(all.length).toBeGreaterThan(15);
    for (const q of all) expect(digest, `${q.file}: "${q.quote}"`).toContain(q.quote);
  });

  it('finds every quote literal of the firmware, observe and timing suites in the digest, or in the table of checked external quotes', () => {
    // An RFC or OMA sentence is not in the digest: docs/quote-sources.md names where it was checked.
    const sources = readFileSync(join(root, 'docs/quote-sources.md'), 'utf8').replace(/\\"/g, '"');
    const all = QUOTED_SUITES.flatMap((file) => [...text(file).matchAll(ANY_QUOTE)].map((m) => ({ file, quote: m[1]!.replace(/\\(.)/g, '$1') })));
    expect(all.length).toBeGreaterThan(20);
    const unchecked = all.filter((q) => !digest.includes(q.quote) && !sources.includes(q.quote.slice(0, 40)));
    expect(unchecked.map((q) => `${q.file}: "${q.quote}"`)).toEqual([]);
  });

  it('gives every MUST case of the firmware, observe and timing suites a quote', () => {
    for (const file of QUOTED_SUITES) {
      const cases = text(file).split(/s\.case\(\{/).slice(1);
      expect(cases.length, file).toBeGreaterThan(0);
      for (const c of cases.filter((x) => /level:\s*'MUST'/.test(x))) expect(c, `${file}: ${/id:\s*'([^']+)'/.exec(c)?.[1]}`).toMatch(/spec:\s*\{[^}]*quote:/);
    }
  });

  it('would notice a sentence the digest does not have', () => {
    expect(digest).not.toContain('Execute Update in any state → 2.04');
  });
});
