/** `sim` flags → simulator options, and the endpoint strings it prints. */
import { describe, expect, it } from 'vitest';
import { simOptionsFromArgs, simulatorEndpoints } from '../../../src/cli/sim.ts';
import { UsageError } from '../../../src/errors.ts';

describe('simOptionsFromArgs', () => {
  it('defaults to UDP 1337 plus a pseudo-terminal', () => {
    expect(simOptionsFromArgs([])).toEqual({ udp: { port: 1337 }, udp6: false, serial: true, faults: [] });
  });

  it('opens only the endpoints asked for', () => {
    expect(simOptionsFromArgs(['--udp6', '0'])).toEqual({ udp: false, udp6: { port: 0 }, serial: false, faults: [] });
    expect(simOptionsFromArgs(['--serial', '--baud', '115200', '--fault', 'wrong-seq', '--fault', 'slow-replies:50', '--error-form', 'v1'])).toEqual({
      udp: false,
      udp6: false,
      serial: { baudRate: 115200 },
      faults: ['wrong-seq', 'slow-replies:50'],
      errorForm: 'v1',
    });
  });

  it('--slot-bytes sets the image slot size', () => {
    expect(simOptionsFromArgs(['--udp', '0', '--slot-bytes', '1179648'])).toMatchObject({ slotBytes: 0x120000 });
    expect(simOptionsFromArgs(['--udp', '0'])).not.toHaveProperty('slotBytes');
  });

  it.each([
    [['--slot-bytes', '100'], /^sim: --slot-bytes expects an integer 8192\.\.67108864, got '100'$/],
    [['--fault', 'nope'], /^sim: unknown fault 'nope' \(known: wrong-seq, /],
    [['--error-form', 'v3'], /^sim: --error-form expects v1 or v2, got 'v3'$/],
    [['--udp', '0', '--baud', '9600'], /^sim: --baud needs --serial$/],
    [['--udp', '70000'], /^sim: --udp expects an integer 0\.\.65535, got '70000'$/],
  ])('%j is a UsageError', (argv, message) => {
    expect(() => simOptionsFromArgs(argv)).toThrow(UsageError);
    expect(() => simOptionsFromArgs(argv)).toThrow(message);
  });
});

describe('simulatorEndpoints', () => {
  it('formats every endpoint as a connection string', () => {
    const sim = { udp: { host: '127.0.0.1', port: 1337 }, udp6: { host: '::1', port: 1338 }, serialPath: '/dev/pts/7', faults: [], stop: async () => undefined };
    expect(simulatorEndpoints(sim, 9600)).toEqual(['udp://127.0.0.1:1337', 'udp://[::1]:1338', 'serial:///dev/pts/7?baud=9600']);
  });
});

describe('sim --lwm2m coaps:// (DTLS-PSK client)', () => {
  it('takes the PSK identity and hex key for a coaps:// server', () => {
    const options = simOptionsFromArgs(['--lwm2m', 'coaps://127.0.0.1:5684', '--psk-identity', 'dev-1', '--psk-key', '00112233']);
    expect(options).toMatchObject({ lwm2m: { server: 'coaps://127.0.0.1:5684', security: { mode: 'psk', identity: 'dev-1', key: '00112233' } } });
  });

  it.each([
    [['--lwm2m', 'coaps://127.0.0.1:5684'], /needs --psk-identity TEXT and --psk-key HEX/],
    [['--lwm2m', 'coaps://127.0.0.1:5684', '--psk-identity', 'a', '--psk-key', '0g'], /--psk-key expected the pre-shared key as hex digits, found "g"/],
    [['--lwm2m', 'coap://127.0.0.1:5683', '--psk-identity', 'a', '--psk-key', '00'], /go with a coaps:\/\/ server/],
    [['--psk-key', '00'], /--psk-key goes with --lwm2m/],
  ])('refuses %j with one line', (argv, says) => {
    expect(() => simOptionsFromArgs(argv)).toThrow(says);
  });
});
