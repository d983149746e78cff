/**
 * The server's judgement of Register and Update requests as pure functions: answer codes,
 * findings, queue mode in both enabler versions, object paths below an alternate root.
 */
import { describe, expect, it } from 'vitest';
import { uintOptionValue } from '../../../src/codec/coap/access.ts';
import { CoapOption } from '../../../src/codec/coap/options.ts';
import type { CoapMessage } from '../../../src/codec/coap/message.ts';
import { parseLinkFormat } from '../../../src/codec/lwm2m/link-format.ts';
import { parseRegisterQuery } from '../../../src/codec/lwm2m/registration.ts';
import { belowRoot, isQueueMode, judgeRegister, judgeUpdate } from '../../../src/client/lwm2m/registration-rules.ts';

const message = (payload: string, contentFormat: number | undefined = 40): CoapMessage => ({
  type: 'CON', code: '0.02', messageId: 1, token: Uint8Array.of(1, 2, 3, 4),
  options: contentFormat === undefined ? [] : [uintOptionValue(CoapOption.CONTENT_FORMAT, contentFormat)],
  payload: new TextEncoder().encode(payload),
});
const kinds = (j: { findings: { kind: string }[] }): string[] => j.findings.map((f) => f.kind);

describe('judgeRegister', () => {
  it('accepts a plain Register without findings', () => {
    const j = judgeRegister(message('</1/0>,</3/0>'), ['lwm2m=1.1', 'ep=a', 'lt=30']);
    expect(j.code).toBeUndefined();
    expect(j.findings).toEqual([]);
    expect(j.content?.objects.map((o) => o.objectId)).toEqual([1, 3]);
  });

  it('flags queue mode signalled the other version’s way, but accepts it', () => {
    const q10 = judgeRegister(message('</1/0>'), ['lwm2m=1.0', 'ep=a', 'Q']);
    expect(q10.code).toBeUndefined();
    expect(kinds(q10)).toEqual(['version-mismatch']);
    const uq11 = judgeRegister(message('</1/0>'), ['lwm2m=1.1', 'ep=a', 'b=UQ']);
    expect(kinds(uq11)).toEqual(['version-mismatch']);
    expect(isQueueMode(uq11.params)).toBe(true);
  });

  it('refuses an object list in another Content-Format, an empty list, and duplicate parameters', () => {
    expect(judgeRegister(message('</1/0>', 0), ['ep=a']).code).toBe('4.00');
    expect(kinds(judgeRegister(message('</1/0>', 0), ['ep=a']))).toEqual(['bad-content-format']);
    expect(judgeRegister(message(''), ['ep=a']).code).toBe('4.00');
    expect(kinds(judgeRegister(message('</1/0>'), ['ep=a', 'ep=b']))).toEqual(['bad-query']);
  });
});

describe('judgeUpdate', () => {
  it('accepts an empty Update and one with a new lifetime', () => {
    expect(judgeUpdate(message('', undefined), []).code).toBeUndefined();
    expect(judgeUpdate(message('', undefined), ['lt=90']).params.lifetime).toBe(90);
  });

  it('notes ep= on an Update without refusing it; refuses a bad lifetime or object list', () => {
    const j = judgeUpdate(message('', undefined), ['ep=a']);
    expect(j.code).toBeUndefined();
    expect(kinds(j)).toEqual(['bad-query']);
    expect(judgeUpdate(message('', undefined), ['lt=-1']).code).toBe('4.00');
    expect(judgeUpdate(message('1/0>'), []).code).toBe('4.00');
    expect(judgeUpdate(message('</1/0>,</3303/0>'), []).content?.objects.map((o) => o.objectId)).toEqual([1, 3303]);
  });
});

describe('queue mode and alternate root', () => {
  it.each([
    [['b=U'], false], [['b=UQ'], true], [['b=SQ'], true], [['b=UQS'], true], [['Q'], true], [['b=U', 'Q'], true], [[], false],
  ] as const)('%j → queue mode %s', (query, expected) => {
    expect(isQueueMode(parseRegisterQuery(query).params)).toBe(expected);
  });

  it('reads object paths below an alternate root and leaves other links alone', () => {
    const links = belowRoot(parseLinkFormat('</lwm2m>;rt="oma.lwm2m",</lwm2m/3/0>,</other/1>,</1/0>').links);
    expect(links.map((l) => l.path)).toEqual([undefined, [3, 0], undefined, [1, 0]]);
    expect(links[1]?.target).toBe('/lwm2m/3/0');
  });
});
