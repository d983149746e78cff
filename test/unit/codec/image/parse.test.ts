/** Parser defects with offsets, and the property that no input makes it throw. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CORRUPTIONS, corruptImage, parseMcubootImage, readImageLayout, readImgMgmtInfo, signMcubootImage, verifyMcubootImage } from '../../../../src/codec/image/index.ts';
import { captureImage, privateKey, publicKey, unwrap, VERSION_1234 } from './helpers.ts';

const good = unwrap(signMcubootImage({ payload: Uint8Array.from({ length: 300 }, (_, i) => i & 0xff), version: VERSION_1234, key: privateKey('ecdsa-p256'), securityCounter: 1 }));

function kinds(bytes: Uint8Array): string[] {
  const r = parseMcubootImage(bytes);
  return r.ok ? [] : r.error.map((d) => `${d.kind}@${d.at}`);
}

describe('parseMcubootImage defects', () => {
  it('short input: truncated at its length (plus the magic verdict when 4 bytes exist)', () => {
    expect(kinds(new Uint8Array(0))).toEqual(['truncated@0']);
    expect(kinds(good.subarray(0, 31))).toEqual(['truncated@31']);
    expect(kinds(Uint8Array.of(0x3c, 0xb8, 0xf3, 0x96))).toEqual(['legacy-magic@0', 'truncated@4']);
  });

  it('header-size-too-small at 8; body past the end: truncated at the file length', () => {
    const small = Uint8Array.from(good);
    small[8] = 16;
    small[9] = 0;
    expect(kinds(small)).toEqual(['header-size-too-small@8']);
    expect(kinds(good.subarray(0, 200))).toEqual(['truncated@200']);
  });

  it('unprotected area magic wrong: bad-tlv-info-magic at its offset', () => {
    const img = unwrap(parseMcubootImage(good));
    const b = Uint8Array.from(good);
    b[img.unprotectedArea.at] = 0x00;
    expect(kinds(b)).toEqual([`bad-tlv-info-magic@${img.unprotectedArea.at}`]);
  });

  it('erased TLV header inside an area: erased-tlv at its offset', () => {
    const img = unwrap(parseMcubootImage(good));
    const b = Uint8Array.from(good);
    const at = img.unprotectedArea.entries[1]!.at;
    b.fill(0xff, at, at + 4);
    expect(kinds(b)).toEqual([`erased-tlv@${at}`]);
  });

  it('trailing non-0xff bytes are a warning, not a defect', () => {
    const b = new Uint8Array(good.length + 8);
    b.set(good);
    b[good.length + 3] = 0x42;
    const r = unwrap(parseMcubootImage(b));
    expect(r.warnings).toContainEqual(expect.objectContaining({ kind: 'trailing-data', at: good.length }));
    expect(verifyMcubootImage(b, { publicKeyPem: publicKey('ecdsa-p256') }).defects).toEqual([]);
  });
});

describe('parser properties', () => {
  it('never throws on arbitrary bytes (2000 runs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const layout = readImageLayout(bytes);
        const r = parseMcubootImage(bytes);
        expect(r.ok).toBe(layout.defects.length === 0 && layout.unprotectedArea !== undefined);
        for (const d of layout.defects) expect(d.at).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on random mutations of a valid signed image, and verify flags every changed hashed byte (2000 runs)', () => {
    const hashedEnd = unwrap(parseMcubootImage(good)).unprotectedArea.at;
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat({ max: good.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        fc.nat({ max: good.length }),
        (edits, cut) => {
          const b = Uint8Array.from(good);
          for (const e of edits) b[e.at] = e.value;
          const mutated = b.subarray(0, Math.max(cut, 0));
          const report = verifyMcubootImage(mutated, { publicKeyPem: publicKey('ecdsa-p256') });
          const changedHashed = edits.some((e) => e.at < hashedEnd && good[e.at] !== e.value && e.at < mutated.length);
          if (changedHashed || mutated.length < good.length) expect(report.isValid).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutations of the capture image header and TLV area (500 runs)', () => {
    const cap = captureImage();
    fc.assert(
      fc.property(fc.nat({ max: 31 }), fc.nat({ max: 149 }), fc.integer({ min: 0, max: 255 }), (h, t, v) => {
        const b = Uint8Array.from(cap);
        b[h] = v;
        b[cap.length - 150 + t] = v;
        expect(() => verifyMcubootImage(b)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe('TLV placement and size warnings', () => {
  it('unknown types, misplaced TLVs and wrong fixed sizes are warnings with offsets, not defects', () => {
    const bytes = unwrap(signMcubootImage({
      payload: new Uint8Array(16), version: VERSION_1234,
      protectedTlvs: [{ type: 0x0099, value: Uint8Array.of(1) }, { type: 0x0010, value: new Uint8Array(32) }, { type: 0x0050, value: Uint8Array.of(1, 2) }],
    }));
    const img = unwrap(parseMcubootImage(bytes));
    const at = img.protectedArea!.entries.map((e) => e.at);
    expect(img.warnings.map((w) => `${w.kind}@${w.at}`)).toEqual([`unknown-tlv@${at[0]}`, `misplaced-tlv@${at[1]}`, `tlv-value-length@${at[2]}`]);
    expect(verifyMcubootImage(bytes).defects).toEqual([]);
  });
});

describe('builder and corruptor properties', () => {
  it('sign → parse round-trips header fields, payload and security counter; hash-only images verify (300 runs)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.record({ major: fc.integer({ min: 0, max: 255 }), minor: fc.integer({ min: 0, max: 255 }), revision: fc.integer({ min: 0, max: 0xffff }), build: fc.nat() }),
        fc.integer({ min: 32, max: 1024 }),
        fc.option(fc.nat(), { nil: undefined }),
        (payload, version, headerSize, securityCounter) => {
          const bytes = unwrap(signMcubootImage({ payload, version, headerSize, securityCounter }));
          const img = unwrap(parseMcubootImage(bytes));
          expect(img.header).toMatchObject({ hdrSize: headerSize, imgSize: payload.length, version });
          expect(bytes.subarray(headerSize, headerSize + payload.length)).toEqual(payload);
          expect(img.protectedArea?.entries[0]?.value).toEqual(securityCounter === undefined ? undefined : Uint8Array.from([securityCounter & 0xff, (securityCounter >>> 8) & 0xff, (securityCounter >>> 16) & 0xff, securityCounter >>> 24]));
          expect(verifyMcubootImage(bytes).isValid).toBe(true);
          expect(readImgMgmtInfo(bytes).ok).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('corruptImage and readImgMgmtInfo never throw on arbitrary bytes (2000 runs)', () => {
    const kinds = CORRUPTIONS.map((c) => c.kind).filter((k) => k !== 'wrong-key');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }).map((edits) => {
            const b = Uint8Array.from(good);
            for (const [at, v] of edits) b[at] = v;
            return b;
          }),
        ),
        fc.constantFrom(...kinds),
        (bytes, kind) => {
        const r = corruptImage(bytes, kind);
        if (r.ok) expect(r.value.bytes).not.toEqual(bytes);
        const info = readImgMgmtInfo(bytes);
        if (info.ok) expect(info.value.hash).toHaveLength(32);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
