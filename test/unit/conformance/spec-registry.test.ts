import { describe, expect, it } from 'vitest';
import { verifyMcubootImage } from '../../../src/codec/image/verify.ts';
import { createFixtures } from '../../../src/conformance/fixtures.ts';
import { SPEC_DOCS, isSpecDocKey, sectionAnchor, specUrl } from '../../../src/conformance/spec-registry.ts';

describe('spec registry', () => {
  it('pins the Zephyr SMP documents at the digest\'s commits', () => {
    expect(SPEC_DOCS['zephyr-smp-g1'].url).toBe('https://github.com/zephyrproject-rtos/zephyr/blob/044a759a/doc/services/device_mgmt/smp_groups/smp_group_1.rst');
    expect(SPEC_DOCS['zephyr-smp-protocol'].revision).toBe('06758ff2');
    expect(SPEC_DOCS['mcuboot-design'].url).toContain('2d4bacc3c15ebb6f91c28807fe6eb38b4ba98f77/docs/design.md');
    for (const [key, doc] of Object.entries(SPEC_DOCS)) {
      expect(doc.title, key).not.toBe('');
      expect(doc.revision, key).not.toBe('');
    }
  });

  it('links a section with the anchor its renderer makes', () => {
    expect(specUrl('zephyr-smp-g1', 'Image upload response')).toMatch(/smp_group_1\.rst#image-upload-response$/);
    expect(specUrl('smp-digest', '3.2.3 Upload (1, op 2)')).toBe('docs/spec/smp.md#323-upload-1-op-2');
    expect(specUrl('rfc7252', '4.2')).toBe('https://www.rfc-editor.org/rfc/rfc7252');
    expect(specUrl('zephyr-main', 'x')).toBeUndefined();
    expect(sectionAnchor('  Echo: command!  ', 'docutils')).toBe('echo-command');
  });

  it('knows its keys', () => {
    expect(isSpecDocKey('zephyr-smp-g63')).toBe(true);
    expect(isSpecDocKey('toString')).toBe(false);
  });
});

describe('fixtures', () => {
  it('are deterministic per seed, case and label, and differ otherwise', () => {
    const a = createFixtures(7, 'SMP-A-001');
    expect(createFixtures(7, 'SMP-A-001').bytes(64)).toEqual(a.bytes(64));
    expect(a.bytes(64, 'other')).not.toEqual(a.bytes(64));
    expect(createFixtures(8, 'SMP-A-001').bytes(64)).not.toEqual(a.bytes(64));
    expect(createFixtures(7, 'SMP-A-002').text(20)).not.toBe(a.text(20));
    expect(a.text(32)).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(a.uint32()).toBe(createFixtures(7, 'SMP-A-001').uint32());
  });

  it('build valid, deterministic MCUboot images', () => {
    const f = createFixtures(3, 'SMP-IMG-001');
    const image = f.image(4096);
    expect(image).toEqual(createFixtures(3, 'SMP-IMG-001').image(4096));
    expect(image.length).toBeGreaterThan(4096 + 32);
    const report = verifyMcubootImage(image);
    expect(report.isValid).toBe(true);
    expect(report.hash.status).toBe('match');
    expect(f.image(4096, { label: 'second' })).not.toEqual(image);
  });

  it('bound what a case may ask for', () => {
    const f = createFixtures(1, 'X-Y-001');
    expect(() => f.bytes(-1)).toThrow(RangeError);
    expect(() => f.bytes(1.5)).toThrow(RangeError);
    expect(() => f.text(64 * 1024 * 1024)).toThrow(RangeError);
    expect(f.bytes(0).length).toBe(0);
  });
});
