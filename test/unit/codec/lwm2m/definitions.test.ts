import { describe, expect, it } from 'vitest';
import { compareVersions, definitionTypeOf, OBJECT_DEFINITIONS, objectDefinition, objectResources, resourceDefinition } from '../../../../src/codec/lwm2m/index.ts';

describe('object definitions', () => {
  it('hold the core objects 0-7 and the IPSO objects', () => {
    expect(OBJECT_DEFINITIONS.map((o) => o.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 3300, 3303, 3304, 3311, 3313, 3316, 3323, 3328, 3338, 3340, 3342, 3347]);
    for (const object of OBJECT_DEFINITIONS) {
      const ids = object.resources.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const r of object.resources) expect(r.type === 'none').toBe(r.operations === 'E');
    }
  });

  it('match the digest tables for Device, Server and Firmware Update (docs/spec/lwm2m.md §4.2, §4.4, §4.6)', () => {
    expect(resourceDefinition(3, 4)).toMatchObject({ name: 'Reboot', operations: 'E', mandatory: true });
    expect(resourceDefinition(3, 11)).toMatchObject({ name: 'Error Code', type: 'integer', multiple: true, mandatory: true });
    expect(resourceDefinition(3, 13)).toMatchObject({ type: 'time', operations: 'RW' });
    expect(resourceDefinition(1, 0)).toMatchObject({ operations: 'R', range: '1..65534' });
    expect(resourceDefinition(1, 1)).toMatchObject({ operations: 'RW', units: 's', mandatory: true });
    expect(resourceDefinition(5, 0)).toMatchObject({ type: 'opaque', operations: 'W' });
    expect(resourceDefinition(5, 4)).toBeUndefined();
    expect(resourceDefinition(0, 0)).toMatchObject({ operations: '', type: 'string' });
    expect(resourceDefinition(3303, 5700)).toMatchObject({ type: 'float', operations: 'R', mandatory: true });
  });

  it('filter resources by object version', () => {
    expect(objectResources(1, '1.0').map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(objectResources(1, '1.1').at(-1)?.id).toBe(23);
    expect(objectResources(1, '1.2').at(-1)?.id).toBe(27);
    expect(resourceDefinition(5, 10, '1.0')).toBeUndefined();
    expect(resourceDefinition(5, 10, '1.1')).toMatchObject({ name: 'Cancel' });
    expect(resourceDefinition(3303, 5750, '1.0')).toBeUndefined();
    expect(resourceDefinition(3303, 5750, '1.1')).toMatchObject({ operations: 'RW' });
    expect(objectResources(9999)).toEqual([]);
    expect(objectDefinition(3)?.multipleInstances).toBe(false);
  });

  it('compare versions numerically and type paths through the tables', () => {
    expect(compareVersions('1.10', '1.2')).toBeGreaterThan(0);
    expect(compareVersions('1.0', '1')).toBe(0);
    const typeOf = definitionTypeOf(new Map([[5, '1.0']]));
    expect(typeOf([3, 0, 7, 1])).toBe('integer');
    expect(typeOf([5, 0, 12])).toBeUndefined();
    expect(typeOf([3, 0])).toBeUndefined();
  });
});
