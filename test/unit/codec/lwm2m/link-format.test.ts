import { describe, expect, it } from 'vitest';
import {
  discoverAttributes, formatLinkFormat, formatRegisterQuery, formatWriteAttributes, interpretRegistration, parseLinkFormat, parseRegisterQuery, parseWriteAttributes, pathLink,
} from '../../../../src/codec/lwm2m/index.ts';

describe('link format parsing', () => {
  it('reads the root link, content formats and object versions of a Register payload (Wakaama capture)', () => {
    const text = '</>;rt="oma.lwm2m";ct=110,</1>;ver=1.1,</1/0>,</2/0>,</3/0>,</31024>;ver=1.1,</31024/10>,</31024/11>';
    const { links, findings } = parseLinkFormat(text);
    expect(findings).toEqual([]);
    expect(links[0]).toEqual({ target: '/', path: [], params: [{ name: 'rt', value: 'oma.lwm2m', quoted: true }, { name: 'ct', value: '110', quoted: false }] });
    const content = interpretRegistration(links);
    expect(content.rootPath).toBe('/');
    expect(content.contentFormats).toEqual([110]);
    expect(content.objects).toEqual([
      { objectId: 1, version: '1.1', instances: [0] },
      { objectId: 2, instances: [0] },
      { objectId: 3, instances: [0] },
      { objectId: 31024, version: '1.1', instances: [10, 11] },
    ]);
  });

  it('takes a bare </> as the root and lists objects without instances (Zephyr 1.1 capture)', () => {
    const text = '</>;ct=112,</6/0>,</4/0>,</3>;ver=1.0,</3/0>,</5/0>,</1/0>,</3313>,</3347>,</3338>,</3300>,</3304>,</3311/0>,</3323>,</3342>,</3303/0>,</3340/0>';
    const content = interpretRegistration(parseLinkFormat(text).links);
    expect(content.rootPath).toBe('/');
    expect(content.contentFormats).toEqual([112]);
    expect(content.objects.find((o) => o.objectId === 3)).toEqual({ objectId: 3, version: '1.0', instances: [0] });
    expect(content.objects.filter((o) => o.instances.length === 0).map((o) => o.objectId)).toEqual([3313, 3347, 3338, 3300, 3304, 3323, 3342]);
  });

  it('reads a quoted list of content formats and an alternate root', () => {
    const { links } = parseLinkFormat('</lwm2m>;rt="oma.lwm2m";ct="60 110 112 11542",</lwm2m/3/0>');
    const content = interpretRegistration(links);
    expect(content.rootPath).toBe('/lwm2m');
    expect(content.contentFormats).toEqual([60, 110, 112, 11542]);
    expect(content.otherLinks.map((l) => l.target)).toEqual(['/lwm2m/3/0']);
  });

  it('types Discover attributes', () => {
    const { links } = parseLinkFormat('</3/0>;pmin=1;pmax=2,</3/0/7>;dim=2;gt=4200.5;lt=-1;st=0.5,</3>;ver=1.2;x=y');
    expect(links.map(discoverAttributes)).toEqual([
      { pmin: 1, pmax: 2, other: [] },
      { dim: 2, gt: 4200.5, lt: -1, st: 0.5, other: [] },
      { ver: '1.2', other: [{ name: 'x', value: 'y', quoted: false }] },
    ]);
  });

  it.each([
    ['</1/0>,,</3/0>', 'empty-link', 7],
    ['</1/0>,/3/0', 'missing-angle-brackets', 7],
    ['</1/0>,</3/0', 'unterminated-target', 7],
    ['</1/0>;rt="oma.lwm2m,</3/0>', 'unterminated-quote', 10],
    ['</1/0>x', 'trailing-garbage', 6],
    ['</1/0>;=1', 'bad-param', 6],
  ])('tolerates %s with a %s finding at %i', (text, kind, at) => {
    const { links, findings } = parseLinkFormat(text);
    expect(findings).toEqual([expect.objectContaining({ kind, at })]);
    expect(links.length).toBeGreaterThanOrEqual(0);
  });

  it('keeps the good links around a bad one', () => {
    expect(parseLinkFormat('</1/0>,junk,</3/0>').links.map((l) => l.target)).toEqual(['/1/0', '/3/0']);
  });

  it('builds links, escaping quotes in quoted values', () => {
    const text = formatLinkFormat([{ target: '/', params: [{ name: 'rt', value: 'oma.lwm2m', quoted: true }] }, pathLink([3, 0], [{ name: 'dim', value: '2', quoted: false }]), pathLink([5])]);
    expect(text).toBe('</>;rt="oma.lwm2m",</3/0>;dim=2,</5>');
    const escaped = formatLinkFormat([{ target: '/0/0', params: [{ name: 'uri', value: 'a"b', quoted: true }] }]);
    expect(parseLinkFormat(escaped).links[0]?.params[0]?.value).toBe('a"b');
  });
});

describe('Register query parameters', () => {
  it('reads the Zephyr 1.0 and Wakaama queries from the captures', () => {
    expect(parseRegisterQuery(['lwm2m=1.0', 'ep=native_sim', 'lt=30'])).toEqual({ params: { endpoint: 'native_sim', lifetime: 30, lwm2mVersion: '1.0', queueMode: false, unknown: [] }, findings: [] });
    expect(parseRegisterQuery(['lwm2m=1.1', 'ep=wakaama-capture', 'b=U', 'lt=300']).params).toMatchObject({ binding: 'U', lifetime: 300 });
  });

  it('reads Q, sms and reports problems by index', () => {
    const { params, findings } = parseRegisterQuery(['ep=a', 'Q', 'sms=+4912', 'lt=x', 'ep=b', 'foo=1', 'b=XQ', 'lwm2m', 'Q=1']);
    expect(params).toMatchObject({ endpoint: 'b', queueMode: true, sms: '+4912', unknown: ['foo=1'] });
    expect(params.lifetime).toBeUndefined();
    expect(findings.map((f) => [f.kind, f.index])).toEqual([
      ['bad-value', 3], ['duplicate', 4], ['unknown', 5], ['bad-value', 6], ['missing-value', 7], ['duplicate', 8], ['bad-value', 8],
    ]);
  });

  it('builds queries in the usual order', () => {
    expect(formatRegisterQuery({ endpoint: 'n', lifetime: 60, lwm2mVersion: '1.1', binding: 'U', queueMode: true })).toEqual(['ep=n', 'lt=60', 'lwm2m=1.1', 'b=U', 'Q']);
  });
});

describe('Write-Attributes query parameters', () => {
  it('reads the capture server queries and removals', () => {
    expect(parseWriteAttributes(['pmin=1', 'pmax=3'])).toEqual({ changes: [{ name: 'pmin', value: 1 }, { name: 'pmax', value: 3 }], findings: [] });
    expect(parseWriteAttributes(['gt=4200.5', 'lt=-1', 'st', 'epmin=2']).changes).toEqual([
      { name: 'gt', value: 4200.5 }, { name: 'lt', value: -1 }, { name: 'st', value: null }, { name: 'epmin', value: 2 },
    ]);
  });
  it('reports unknown, read-only, duplicate and badly typed attributes', () => {
    const { changes, findings } = parseWriteAttributes(['pmin=-1', 'dim=2', 'foo=1', 'pmax=10', 'pmax=11', 'gt=x']);
    expect(changes).toEqual([{ name: 'pmax', value: 10 }, { name: 'pmax', value: 11 }]);
    expect(findings.map((f) => [f.kind, f.index])).toEqual([['bad-value', 0], ['read-only', 1], ['unknown', 2], ['duplicate', 4], ['bad-value', 5]]);
  });
  it('builds queries', () => {
    expect(formatWriteAttributes([{ name: 'pmin', value: 1 }, { name: 'st', value: 0.5 }, { name: 'pmax', value: null }])).toEqual(['pmin=1', 'st=0.5', 'pmax']);
  });
});
