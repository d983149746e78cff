/** The strict flag parser: accepted forms and the one-line UsageError for each mistake. */
import { describe, expect, it } from 'vitest';
import { formatFlagHelp, integerFlag, parseFlags, type FlagSpecs } from '../../../src/cli/args.ts';
import { UsageError } from '../../../src/errors.ts';

const specs = {
  smp: { type: 'string', valueName: 'CONN', description: 'device' },
  fault: { type: 'string', multiple: true, description: 'fault' },
  json: { type: 'boolean', description: 'json output' },
} as const satisfies FlagSpecs;

describe('parseFlags', () => {
  it('reads --name value, --name=value, booleans and repeated flags', () => {
    const r = parseFlags('probe', ['--smp', 'udp://h:1', '--json', '--fault=a', '--fault', 'b'], specs);
    expect(r.flags).toEqual({ smp: 'udp://h:1', json: true, fault: ['a', 'b'] });
    expect(r.positionals).toEqual([]);
  });

  it('keeps positionals up to the allowed count, and everything after --', () => {
    expect(parseFlags('image', ['inspect', 'f.bin'], specs, 2).positionals).toEqual(['inspect', 'f.bin']);
    expect(parseFlags('x', ['--', '--json'], specs, 1).positionals).toEqual(['--json']);
  });

  it.each([
    [['--smpp', 'x'], 'probe: unknown option --smpp (see mgmt-conformance probe --help)'],
    [['-x'], 'probe: unknown option -x (see mgmt-conformance probe --help)'],
    [['--smp'], 'probe: --smp needs a value (CONN)'],
    [['--smp', '--json'], 'probe: --smp needs a value (CONN)'],
    [['--json=1'], 'probe: --json takes no value'],
    [['--smp', 'a', '--smp', 'b'], 'probe: --smp given twice'],
    [['stray'], "probe: unexpected argument 'stray' (see mgmt-conformance probe --help)"],
    [['--constructor', 'x'], 'probe: unknown option --constructor (see mgmt-conformance probe --help)'],
  ])('%j → %s', (argv, message) => {
    expect(() => parseFlags('probe', argv, specs)).toThrow(new UsageError(message));
  });
});

describe('integerFlag', () => {
  it('accepts integers in range', () => {
    expect(integerFlag('sim', 'udp', '0', 0, 65535)).toBe(0);
    expect(integerFlag('sim', 'udp', '65535', 0, 65535)).toBe(65535);
  });
  it.each(['-1', '65536', '1e3', '12ms', ''])('rejects %j', (value) => {
    expect(() => integerFlag('sim', 'udp', value, 0, 65535)).toThrow(`sim: --udp expects an integer 0..65535, got '${value}'`);
  });
});

describe('formatFlagHelp', () => {
  it('aligns flags and descriptions', () => {
    expect(formatFlagHelp(specs).split('\n')).toEqual([
      '  --smp CONN     device',
      '  --fault VALUE  fault',
      '  --json         json output',
    ]);
  });
});
