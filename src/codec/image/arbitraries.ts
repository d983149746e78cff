/**
 * fast-check arbitraries for MCUboot images: valid hash-only images (every header field, with or
 * without protected TLVs and padding) and labelled corrupt variants of them, for property-based
 * upload cases. Signed variants are left out: key generation is too slow per run.
 * @see spec/smp.md §5, §6.6
 */
import fc from 'fast-check';
import { CORRUPTIONS, corruptImage, type CorruptedImage, type CorruptionKind } from './corrupt.ts';
import { signMcubootImage, type SignImageOptions } from './sign.ts';
import type { ImageVersion } from './types.ts';

/** Any `struct image_version`. @see spec/smp.md §5.2 */
export const arbImageVersion: fc.Arbitrary<ImageVersion> = fc.record({
  major: fc.integer({ min: 0, max: 0xff }),
  minor: fc.integer({ min: 0, max: 0xff }),
  revision: fc.integer({ min: 0, max: 0xffff }),
  build: fc.integer({ min: 0, max: 0xffff_ffff }),
});

/** Options for a valid hash-only image with a payload of at most `maxPayloadBytes`. */
export function arbImageOptions(maxPayloadBytes = 2048): fc.Arbitrary<SignImageOptions> {
  return fc.record({
    payload: fc.uint8Array({ maxLength: maxPayloadBytes }),
    version: arbImageVersion,
    headerSize: fc.constantFrom(32, 0x80, 0x200),
    securityCounter: fc.option(fc.integer({ min: 0, max: 0xffff_ffff }), { nil: undefined }),
    hashAlg: fc.constantFrom('sha256' as const, 'sha384' as const, 'sha512' as const),
    protectedTlvs: fc.array(fc.record({ type: fc.integer({ min: 0xa0, max: 0xfffe }), value: fc.uint8Array({ maxLength: 16 }) }), { maxLength: 2 }),
    pad: fc.boolean(),
    confirm: fc.boolean(),
  }).map((o) => ({ ...o, slotSize: o.pad ? o.payload.length + 0x1000 : undefined }));
}

/** A valid hash-only MCUboot image file. @see spec/smp.md §5 */
export function arbMcubootImage(maxPayloadBytes = 2048): fc.Arbitrary<Uint8Array> {
  return arbImageOptions(maxPayloadBytes).map((o) => {
    const r = signMcubootImage(o);
    // The options above are always valid; a failure here is a bug in the builder.
    if (!r.ok) throw new Error(`arbMcubootImage: ${r.error}`);
    return r.value;
  });
}

/** Corruption kinds that apply to any hash-only image without keys. */
export const KEYLESS_CORRUPTIONS: readonly CorruptionKind[] = CORRUPTIONS.filter((c) => !c.needsSignature).map((c) => c.kind);

/** A labelled corrupt variant of a valid hash-only image (kinds that need no key). @see spec/smp.md §6.6 */
export function arbCorruptImage(maxPayloadBytes = 2048): fc.Arbitrary<CorruptedImage> {
  return fc
    .tuple(arbMcubootImage(maxPayloadBytes), fc.constantFrom(...KEYLESS_CORRUPTIONS))
    .map(([image, kind]) => corruptImage(image, kind))
    .filter((r) => r.ok)
    .map((r) => (r as { ok: true; value: CorruptedImage }).value);
}
