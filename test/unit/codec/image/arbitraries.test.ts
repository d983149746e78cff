/** The image arbitraries produce what they promise, checked by the verifier and the img_mgmt model. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbCorruptImage, arbMcubootImage, KEYLESS_CORRUPTIONS, readImgMgmtInfo, verifyMcubootImage } from '../../../../src/codec/image/index.ts';

describe('image arbitraries', () => {
  it('arbMcubootImage: every image verifies clean (300 runs)', () => {
    fc.assert(
      fc.property(arbMcubootImage(512), (bytes) => {
        const r = verifyMcubootImage(bytes);
        expect(r.defects).toEqual([]);
        expect(r.hash.status).toBe('match');
      }),
      { numRuns: 300 },
    );
  });

  it('arbCorruptImage: the verifier reports each variant\'s expected defect at its offset (500 runs)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbCorruptImage(512), (v) => {
        seen.add(v.kind);
        const opts = v.kind === 'version-downgrade' ? { runningVersion: { major: 0, minor: 0, revision: 0, build: 0 } } : {};
        expect(verifyMcubootImage(v.bytes, opts).defects).toContainEqual(expect.objectContaining({ kind: v.expected.kind, at: v.expected.at }));
        if (v.verdict.upload === 'rejected') expect(readImgMgmtInfo(v.bytes).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
    expect(seen.size).toBeGreaterThan(KEYLESS_CORRUPTIONS.length - 3);
  });
});
