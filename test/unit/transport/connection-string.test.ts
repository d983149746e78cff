import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { formatConnectionString, parseConnectionString, type ConnectionSpec } from '../../../src/transport/connection-string.ts';

const valid: Array<[string, ConnectionSpec, string]> = [
  ['udp://127.0.0.1:1337', { scheme: 'udp', host: '127.0.0.1', port: 1337 }, 'udp://127.0.0.1:1337'],
  ['udp://[::1]:1337', { scheme: 'udp', host: '::1', port: 1337 }, 'udp://[::1]:1337'],
  ['udp://[fe80::1%eth0]:5683', { scheme: 'udp', host: 'fe80::1%eth0', port: 5683 }, 'udp://[fe80::1%eth0]:5683'],
  ['udp://localhost:1337', { scheme: 'udp', host: 'localhost', port: 1337 }, 'udp://localhost:1337'],
  ['UDP://board-1.lab.example:65535/', { scheme: 'udp', host: 'board-1.lab.example', port: 65535 }, 'udp://board-1.lab.example:65535'],
  ['  udp://10.0.0.2:1  ', { scheme: 'udp', host: '10.0.0.2', port: 1 }, 'udp://10.0.0.2:1'],
  ['serial:///dev/ttyACM0?baud=115200', { scheme: 'serial', path: '/dev/ttyACM0', baudRate: 115200, raw: false }, 'serial:///dev/ttyACM0?baud=115200'],
  ['serial:///dev/ttyACM0', { scheme: 'serial', path: '/dev/ttyACM0', baudRate: 115200, raw: false }, 'serial:///dev/ttyACM0?baud=115200'],
  ['serial:///dev/pts/3?baud=115200&raw=1', { scheme: 'serial', path: '/dev/pts/3', baudRate: 115200, raw: true }, 'serial:///dev/pts/3?baud=115200&raw=1'],
  ['serial:///dev/ttyUSB0?raw=true&baud=1000000', { scheme: 'serial', path: '/dev/ttyUSB0', baudRate: 1000000, raw: true }, 'serial:///dev/ttyUSB0?baud=1000000&raw=1'],
  ['serial:///dev/ttyACM0?mtu=256', { scheme: 'serial', path: '/dev/ttyACM0', baudRate: 115200, raw: false, mtu: 256 }, 'serial:///dev/ttyACM0?baud=115200&mtu=256'],
  ['serial:///dev/ttyS1?raw=0', { scheme: 'serial', path: '/dev/ttyS1', baudRate: 115200, raw: false }, 'serial:///dev/ttyS1?baud=115200'],
  ['serial://COM3?baud=9600', { scheme: 'serial', path: 'COM3', baudRate: 9600, raw: false }, 'serial://COM3?baud=9600'],
];

const invalid: Array<[string, string]> = [
  ['tcp://127.0.0.1:1337', "unknown scheme 'tcp' (expected udp:// or serial://)"],
  ['', 'empty connection string (expected udp:// or serial://)'],
  ['127.0.0.1:1337', 'missing scheme (expected udp:// or serial://, e.g. udp://127.0.0.1:1337)'],
  ['udp://127.0.0.1', 'missing port (e.g. udp://127.0.0.1:1337; Zephyr uses 1337)'],
  ['udp://127.0.0.1:', 'missing port (e.g. udp://127.0.0.1:1337; Zephyr uses 1337)'],
  ['udp://[::1]', 'missing port (e.g. udp://127.0.0.1:1337; Zephyr uses 1337)'],
  ['udp://127.0.0.1:0', 'port 0 out of range 1-65535'],
  ['udp://127.0.0.1:65536', 'port 65536 out of range 1-65535'],
  ['udp://127.0.0.1:13x7', "port '13x7' is not a number"],
  ['udp://:1337', 'missing host (e.g. udp://127.0.0.1:1337)'],
  ['udp://', 'missing host (e.g. udp://127.0.0.1:1337)'],
  ['udp://::1:1337', 'IPv6 address must be in brackets, e.g. udp://[::1]:1337'],
  ['udp://[::1:1337', "unclosed '[' in IPv6 address '[::1:1337'"],
  ['udp://[127.0.0.1]:1337', "'127.0.0.1' is not an IPv6 address"],
  ['udp://[::1]x:1337', "unexpected 'x:1337' after IPv6 address"],
  ['udp://bad_host:1337', "'bad_host' is not a valid host name or IPv4 address"],
  ['udp://127.0.0.1:1337/smp', "unexpected path '/smp' after udp host and port"],
  ['udp://127.0.0.1:1337?mtu=1500', "unknown query parameter 'mtu' for udp:// (it takes none)"],
  ['serial://', 'missing device path (e.g. serial:///dev/ttyACM0)'],
  ['serial://?baud=9600', 'missing device path (e.g. serial:///dev/ttyACM0)'],
  ['serial://dev/ttyACM0', "device path 'dev/ttyACM0' is not absolute (write serial:///dev/ttyACM0)"],
  ['serial:///dev/ttyACM0?baud=fast', "bad baud 'fast' (expected a positive integer, e.g. baud=115200)"],
  ['serial:///dev/ttyACM0?baud=0', "bad baud '0' (expected a positive integer, e.g. baud=115200)"],
  ['serial:///dev/ttyACM0?baud=', "bad baud '' (expected a positive integer, e.g. baud=115200)"],
  ['serial:///dev/ttyACM0?raw=yes', "bad raw 'yes' (expected raw=1 or raw=0)"],
  ['serial:///dev/ttyACM0?parity=none', "unknown query parameter 'parity' for serial:// (expected baud, raw, mtu)"],
  ['serial:///dev/ttyACM0?mtu=8', "bad mtu '8' (expected 32-65535 bytes, e.g. mtu=256)"],
  ['serial:///dev/ttyACM0?mtu=2k', "bad mtu '2k' (expected 32-65535 bytes, e.g. mtu=256)"],
  ['serial:///dev/ttyACM0?baud=9600&baud=115200', "duplicate query parameter 'baud'"],
];

describe('parseConnectionString', () => {
  it.each(valid)('parses %s', (input, spec, canonical) => {
    const parsed = parseConnectionString(input);
    expect(parsed).toEqual({ ok: true, value: spec });
    expect(formatConnectionString(spec)).toBe(canonical);
  });

  it.each(invalid)('rejects %j', (input, message) => {
    expect(parseConnectionString(input)).toEqual({ ok: false, error: message });
  });

  it('every error is one line', () => {
    for (const [input] of invalid) {
      const r = parseConnectionString(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).not.toContain('\n');
    }
  });

  it('parse(format(spec)) returns the spec', () => {
    const udp = fc.record({
      scheme: fc.constant('udp' as const),
      host: fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()),
      port: fc.integer({ min: 1, max: 65535 }),
    });
    const serial = fc.record({
      scheme: fc.constant('serial' as const),
      path: fc.stringMatching(/^\/dev\/[a-zA-Z0-9_/.-]{1,20}$/),
      baudRate: fc.integer({ min: 1, max: 4_000_000 }),
      raw: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.oneof(udp, serial), (spec) => {
        const back = parseConnectionString(formatConnectionString(spec));
        expect(back).toEqual({ ok: true, value: spec });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const r = parseConnectionString(s);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
