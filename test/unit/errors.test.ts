import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ConnectionStringError,
  DecodeError,
  HarnessError,
  InputFileError,
  NotRegisteredError,
  RegistrationTimeoutError,
  ResponseTimeoutError,
  TransportClosedError,
  TransportError,
  UsageError,
} from '../../src/errors.ts';

/** One table: each error class, its stable code and its message shape. */
const table: Array<[HarnessError, string, string]> = [
  [new ConfigError('expected a number', '/targets/sim/timeoutMs', 'targets.json'), 'E_CONFIG', 'targets.json#/targets/sim/timeoutMs: expected a number'],
  [new ConfigError('not valid JSON', '', 'targets.json'), 'E_CONFIG', 'targets.json: not valid JSON'],
  [new UsageError('unknown flag --frob'), 'E_USAGE', 'unknown flag --frob'],
  [new ConnectionStringError('tcp://x', "unknown scheme 'tcp'"), 'E_CONNECTION_STRING', `connection string "tcp://x": unknown scheme 'tcp'`],
  [new TransportError('serial port /dev/nope: no such file'), 'E_TRANSPORT', 'serial port /dev/nope: no such file'],
  [new TransportClosedError(), 'E_TRANSPORT_CLOSED', 'transport closed'],
  [new ResponseTimeoutError('os.echo seq 3', 250), 'E_TIMEOUT', 'no response to os.echo seq 3 within 250 ms'],
  [new DecodeError('bad map', 12), 'E_DECODE', 'bad map (at byte 12)'],
  [new InputFileError('a.bin', 'not an MCUboot image'), 'E_INPUT_FILE', 'a.bin: not an MCUboot image'],
  [new RegistrationTimeoutError('native_sim', 30_000), 'E_NO_REGISTRATION', 'no registration from native_sim within 30 s'],
  [new NotRegisteredError('native_sim'), 'E_NOT_REGISTERED', 'native_sim has no active registration'],
];

describe('errors', () => {
  it.each(table)('%s has a stable code and message', (error, code, message) => {
    expect(error).toBeInstanceOf(HarnessError);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.name).toBe(error.constructor.name);
  });

  it('no infrastructure message contains "assert" (Allure would mark it failed, not broken)', () => {
    for (const [error] of table) expect(error.message.toLowerCase()).not.toContain('assert');
  });
});
