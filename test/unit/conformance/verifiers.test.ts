import { describe, expect, it } from 'vitest';
import { translateGroupErrToV1 } from '../../../src/codec/smp/group-errors.ts';
import { osCommands } from '../../../src/codec/smp/groups/os.ts';
import { ConformanceAssertionError } from '../../../src/conformance/errors.ts';
import { createVerifiers, type CaseRecorder, type VerifierLink } from '../../../src/conformance/verifiers/expect.ts';
import type { VerifierScope } from '../../../src/conformance/verifiers/scope.ts';
import { captured, capturedResponseHex, replyOf } from './helpers/capture.ts';
import { assertionFailure } from './helpers/assertion-failure.ts';

const scope: VerifierScope = { caseId: 'SMP-TEST-001', spec: 'zephyr-smp-g0 §Echo command', smpVersions: { v1: true, v2: true } };
const noLink: VerifierLink = {
  smp: () => {
    throw new Error('no link in these tests');
  },
  hasEcho: false,
  hasParams: false,
  responseMs: 100,
  silenceMs: 50,
  awaitReady: () => Promise.reject(new Error('no link in these tests')),
};

function kit(s: VerifierScope = scope): { v: ReturnType<typeof createVerifiers>; rec: CaseRecorder } {
  const rec: CaseRecorder = { warnings: [], notes: [] };
  return { v: createVerifiers(s, noLink, rec), rec };
}

describe('smpOk', () => {
  it('types a captured Zephyr echo reply and chains field checks', () => {
    const { v } = kit();
    const ok = v.smpOk(captured('os-echo-v2', osCommands.echo));
    expect(ok.r).toBe('hello');
    expect(ok.field('r').toBe('hello')).toBe(ok);
    expect(ok.field('r').value).toBe('hello');
  });

  it('fails an error reply with an h2spec-style message quoting the frame', () => {
    const { v } = kit();
    const e = assertionFailure(() => v.smpOk(captured('os-mpstat', osCommands.mpstat)));
    const m = e.message;
    expect(m).toMatch(/^assertion failed: SMP-TEST-001: expected a success response/);
    expect(m).toContain('Spec: zephyr-smp-g0 §Echo command');
    expect(m).toContain('Expected one of:\n    - a success response');
    expect(m).toContain('Actual:\n    rc 8 (MGMT_ERR_ENOTSUP)');
    expect(m).toContain('Frame:');
    expect(m).toContain('09 00 00 06 00 00 05 03');
    expect(e.details.actual).toBe('rc 8 (MGMT_ERR_ENOTSUP)');
  });

  it('names the field, the expectation and the actual value on a field mismatch', () => {
    const { v } = kit();
    const e = assertionFailure(() => v.smpOk(captured('os-echo-v2', osCommands.echo)).field('r').toBe('bye'));
    expect(e.details.check).toBe('field "r"');
    expect(e.details.expected).toEqual(['"r": "bye"']);
    expect(e.details.actual).toBe('"r": "hello"');
  });

  it('runs every kind of field check both ways', () => {
    const { v } = kit();
    const ok = v.smpOk(captured('os-echo-v2', osCommands.echo));
    expect(() => ok.field('r').toMatch(/^hel/).field('r').toBeOneOf(['x', 'hello']).field('r').toBePresent()).not.toThrow();
    expect(() => ok.field('r').toSatisfy((r) => r.length === 5, 'five characters')).not.toThrow();
    expect(assertionFailure(() => ok.field('r').toMatch(/^x/)).details.expected).toEqual(['"r": text matching /^x/']);
    expect(assertionFailure(() => ok.field('r').toBeAbsent()).details.expected).toEqual(['"r" absent']);
    expect(assertionFailure(() => ok.field('r').toBeOneOf(['a', 'b'])).details.expected).toEqual(['"r" one of "a", "b"']);
    expect(assertionFailure(() => ok.field('r').toSatisfy(() => false, 'never')).details.expected).toEqual(['"r": never']);
  });

  it('records fields the spec does not define as a note, once', () => {
    const { v, rec } = kit();
    // v2 echo answered with {"r": "hello", "x": 1}
    const reply = replyOf('0a00000900000100a161646568656c6c6f', '0b00000d00000100bf61726568656c6c6f617801ff', osCommands.echo);
    v.smpOk(reply);
    v.smpOk(reply);
    expect(rec.notes).toEqual(['reply to group 0 id 0 has fields the spec does not define: x']);
  });

  it('reports field problems when a success body lacks what the spec defines', () => {
    const { v } = kit();
    // v2 echo answered with an empty map: op/ids right, but "r" missing.
    const reply = replyOf('0a00000900000100a161646568656c6c6f', '0b00000200000100bfff', osCommands.echo);
    const e = assertionFailure(() => v.smpOk(reply));
    expect(e.details.check).toBe('response fields');
    expect(e.details.actual).toContain('r: expected');
  });
});

describe('a reply with a duplicate map key', () => {
  // Echo request {"d": "hi"} (v2, seq 5) and replies whose maps repeat a key.
  const request = '0a000006000005 00 a1 6164 62 6869';

  it('fails smpOk even though a last-key-wins decoder reads a correct echo, naming the key and offset', () => {
    const { v } = kit();
    const reply = replyOf(request, '0b00000b000005 00 a2 6172 62 6869 6172 62 6869', osCommands.echo);
    const e = assertionFailure(() => v.smpOk(reply).field('r').toBe('hi'));
    expect(e.details.actual).toContain('duplicate map key "r" at byte 6 of the CBOR body (packet byte 14), first at body byte 1');
    expect(e.details.actual).toContain('RFC 8949 §5.6');
    expect(e.message).toContain('Frame:');
  });

  it('fails mgmtErr on {"rc": 3, "rc": 0}, which is neither the error nor a success', () => {
    const { v } = kit();
    const reply = replyOf(request, '0b000009000005 00 a2 627263 03 627263 00');
    const e = assertionFailure(() => v.mgmtErr(reply, { rc: 3 }));
    expect(e.details.actual).toContain('duplicate map key "rc" at byte 5 of the CBOR body (packet byte 13), first at body byte 1');
  });

  it('passes the same reply without the repeated key', () => {
    const { v } = kit();
    expect(v.smpOk(replyOf(request, '0b000006000005 00 a1 6172 62 6869', osCommands.echo)).r).toBe('hi');
    expect(v.mgmtErr(replyOf(request, '0b000005000005 00 a1 627263 03'), { rc: 3 }).index).toBe(0);
  });
});

describe('mgmtErr', () => {
  it('accepts a captured rc 8 and returns which outcome matched', () => {
    const { v } = kit();
    const m = v.mgmtErr(captured('os-mpstat'), [{ rc: 3 }, { rc: [7, 8] }]);
    expect(m.index).toBe(1);
    expect(m.body.kind).toBe('errV1');
  });

  it('lists every acceptable outcome when none matches', () => {
    const { v } = kit();
    const e = assertionFailure(() => v.mgmtErr(captured('os-mpstat'), [{ rc: 3 }, { v2: { group: 1, rc: 9 } }]));
    expect(e.details.expected).toEqual(['rc 3 (MGMT_ERR_EINVAL)', 'err {group 1 (image), rc 9 (IMG_MGMT_ERR_NO_FREE_SLOT)}']);
    expect(e.message).toContain('Expected one of:\n    - rc 3 (MGMT_ERR_EINVAL)\n    - err {group 1 (image), rc 9');
  });

  it('wants the v2 group error form for a v2 request (captured IMG_MGMT_ERR_NO_FREE_SLOT)', () => {
    const { v } = kit();
    expect(v.mgmtErr(captured('img-erase-pending'), { v2: { group: 1, rc: 9 } }).body.kind).toBe('errV2');
    expect(() => v.mgmtErr(captured('img-erase-pending'), { rc: 9 })).toThrow(ConformanceAssertionError);
  });

  it('wants the v1 translation for a v1 request, defaulting to Zephyr\'s table', () => {
    const { v } = kit();
    const rc = translateGroupErrToV1(1, 9);
    const body = `bf627263${rc.toString(16).padStart(2, '0')}ff`;
    const reply = replyOf('0200000100017805a0', `0300000600017805${body}`);
    expect(v.mgmtErr(reply, { v2: { group: 1, rc: 9 } }).body).toMatchObject({ kind: 'errV1', rc });
    expect(v.mgmtErr(reply, { v2: { group: 1, rc: 9 }, v1: [rc, 99] }).index).toBe(0);
    expect(assertionFailure(() => v.mgmtErr(reply, { v2: { group: 1, rc: 9 }, v1: 99 })).details.expected).toEqual(['rc 99']);
  });
});

describe('smpShape', () => {
  it('passes every captured reply of the Zephyr run', () => {
    const { v } = kit();
    for (const name of ['os-echo-v2', 'os-echo-v1', 'os-echo-v2-read-op', 'img-state-read', 'settings-read', 'enum-details-all']) {
      expect(() => v.smpShape(captured(name))).not.toThrow();
    }
  });

  it('names a reply whose seq is not the request\'s', () => {
    const { v } = kit();
    const hex = capturedResponseHex('os-echo-v2');
    const tampered = `${hex.slice(0, 12)}07${hex.slice(14)}`;
    const e = assertionFailure(() => v.smpShape(replyOf('0a00000900000100a161646568656c6c6f', tampered)));
    expect(e.details.actual).toBe('seq: expected 1, got 7');
  });

  it('wants version 0 from a server that does not speak v2, and 1 from one that does', () => {
    const v1Reply = replyOf('0a00000900000100a161646568656c6c6f', `03${capturedResponseHex('os-echo-v2').slice(2)}`);
    expect(assertionFailure(() => kit().v.smpShape(v1Reply)).details.actual).toBe('version: expected 1, got 0');
    expect(() => kit({ ...scope, smpVersions: { v1: true, v2: false } }).v.smpShape(v1Reply)).not.toThrow();
  });

  it('catches a length field that disagrees with the payload and an undecodable body', () => {
    const { v } = kit();
    const long = replyOf('0a00000900000100a161646568656c6c6f', `${capturedResponseHex('os-echo-v2')}00`);
    expect(assertionFailure(() => v.smpShape(long)).details.actual).toContain('length field: expected 11, got 10');
    const junk = replyOf('0a00000900000100a161646568656c6c6f', '0b00000100000100ff');
    expect(assertionFailure(() => v.smpShape(junk)).details.actual).toContain('body: CBOR');
  });
});

describe('oneOf, that, warn, note', () => {
  it('passes with the first alternative that holds', async () => {
    const { v } = kit();
    const reply = captured('os-mpstat');
    const got = await v.oneOf([() => v.smpOk(reply), () => v.mgmtErr(reply, { rc: 8 })]);
    expect(got.index).toBe(1);
  });

  it('fails listing the expectations of every alternative', async () => {
    const { v } = kit();
    const reply = captured('os-mpstat');
    const e = await v.oneOf([() => v.smpOk(reply), () => v.mgmtErr(reply, { rc: 3 })]).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ConformanceAssertionError);
    expect((e as ConformanceAssertionError).details.expected).toEqual(['a success response (no "rc" other than 0, no "err")', 'rc 3 (MGMT_ERR_EINVAL)']);
  });

  it('that() fails with the stated expectation; warn and note only record', () => {
    const { v, rec } = kit();
    expect(() => v.that(true, { expected: 'x', actual: 'y' })).not.toThrow();
    expect(assertionFailure(() => v.that(false, { expected: 'x', actual: 'y', check: 'c' })).details).toMatchObject({ expected: ['x'], actual: 'y', check: 'c' });
    expect(v.warn(false, 'should be so')).toBe(false);
    expect(v.warn(true, 'fine')).toBe(true);
    v.note('seen');
    expect(rec).toEqual({ warnings: ['should be so'], notes: ['seen'] });
  });
});
