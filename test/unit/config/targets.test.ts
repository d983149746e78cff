/** targets.json loader: one row per error message, plus the repository's own targets.json. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInTargets, loadTargets, parseTargets, resolveTarget } from '../../../src/config/targets.ts';
import { SIM_DEFAULT_BUDGETS, SIM_LWM2M_TIMING_BUDGETS } from '../../../src/config/budgets.ts';
import { locateJsonError } from '../../../src/config/json-locate.ts';
import { parseListenAddress } from '../../../src/config/lwm2m-target.ts';
import { ConfigError } from '../../../src/errors.ts';

const root = resolve(import.meta.dirname, '../../..');

/** A file with one target `t` built from `fields`. */
function withTarget(fields: Record<string, unknown>, extraTop: Record<string, unknown> = {}): string {
  return JSON.stringify({ schemaVersion: 1, defaultTarget: 't', targets: { t: fields }, ...extraTop });
}

const rows: { name: string; text: string; messages: string[] }[] = [
  {
    name: 'invalid JSON (trailing comma)',
    text: '{\n  "schemaVersion": 1,\n  "targets": {},\n}\n',
    messages: ["targets.json: not valid JSON: Unexpected token } at line 4 column 1"],
  },
  { name: 'truncated JSON', text: '{"schemaVersion": 1', messages: ['targets.json: not valid JSON: Unexpected end of input at line 1 column 20'] },
  { name: 'not an object', text: '[]', messages: ['targets.json: expected an object, got an array'] },
  {
    name: 'wrong schemaVersion',
    text: JSON.stringify({ schemaVersion: 2, defaultTarget: 's', targets: { s: { kind: 'sim' } } }),
    messages: ['targets.json#/schemaVersion: expected 1, got 2'],
  },
  {
    name: 'wrong field type',
    text: withTarget({ kind: 'sim', timeoutMs: 'fast' }),
    messages: ['targets.json#/targets/t/timeoutMs: expected a positive number, got "fast"'],
  },
  {
    name: 'unknown top-level key',
    text: withTarget({ kind: 'sim' }, { defaultTargte: 'x' }),
    messages: ["targets.json#/defaultTargte: unknown key 'defaultTargte' (allowed: $schema, schemaVersion, defaultTarget, targets)"],
  },
  {
    name: 'unknown target key (typo)',
    text: withTarget({ kind: 'sim', timeoutMS: 5 }),
    messages: [
      "targets.json#/targets/t/timeoutMS: unknown key 'timeoutMS' (allowed: description, kind, smp, sim, process, lwm2m, capabilities, timeoutMs, strict, budgets, reset, crash, build, baseline, hardware)",
    ],
  },
  {
    name: 'unknown sim key',
    text: withTarget({ kind: 'sim', sim: { buf_size: 1 } }),
    messages: ["targets.json#/targets/t/sim/buf_size: unknown key 'buf_size' (allowed: transports, faults, errorForm, bufSize, bufCount, serialMtu, fsBytes, lwm2m)"],
  },
  {
    name: 'unknown kind',
    text: withTarget({ kind: 'tcp' }),
    messages: ['targets.json#/targets/t/kind: expected one of "sim", "udp", "serial", "process", got "tcp"'],
  },
  {
    name: 'unknown scheme',
    text: withTarget({ kind: 'udp', smp: 'tcp://10.0.0.1:1337' }),
    messages: ["targets.json#/targets/t/smp: unknown scheme 'tcp' (expected udp:// or serial://)"],
  },
  {
    name: 'not a connection string',
    text: withTarget({ kind: 'udp', smp: '10.0.0.1:1337' }),
    messages: ['targets.json#/targets/t/smp: expected a connection string like udp://127.0.0.1:1337 or serial:///dev/ttyACM0, got "10.0.0.1:1337"'],
  },
  {
    name: 'scheme does not fit the kind',
    text: withTarget({ kind: 'serial', smp: 'udp://10.0.0.1:1337' }),
    messages: ['targets.json#/targets/t/smp: kind "serial" needs a serial:// connection string, got "udp://10.0.0.1:1337"'],
  },
  {
    name: 'unknown LwM2M simulator version',
    text: withTarget({ kind: 'sim', sim: { lwm2m: { versions: ['1.2'], lifeTime: 5 } } }),
    messages: [
      "targets.json#/targets/t/sim/lwm2m/lifeTime: unknown key 'lifeTime' (allowed: versions, lifetimeS, ackTimeoutMs)",
      'targets.json#/targets/t/sim/lwm2m/versions/0: expected one of "1.0", "1.1", got "1.2"',
    ],
  },
  {
    name: 'missing connection string',
    text: withTarget({ kind: 'udp' }),
    messages: ['targets.json#/targets/t/smp: kind "udp" needs a connection string (udp://HOST:PORT or serial:///dev/PATH), or an "lwm2m" block for a device that only speaks LwM2M'],
  },
  {
    name: 'sim options on a udp target',
    text: withTarget({ kind: 'udp', smp: 'udp://h:1', sim: {} }),
    messages: ['targets.json#/targets/t/sim: \'sim\' belongs to kind "sim", but this target is kind "udp"'],
  },
  {
    name: 'bad sim fields',
    text: withTarget({ kind: 'sim', sim: { transports: ['udp', 'ble'], errorForm: 'v3', bufCount: 1.5 } }),
    messages: [
      'targets.json#/targets/t/sim/transports/1: expected one of "udp", "udp6", "serial", got "ble"',
      'targets.json#/targets/t/sim/errorForm: expected one of "v1", "v2", got "v3"',
      'targets.json#/targets/t/sim/bufCount: expected a positive integer, got 1.5',
    ],
  },
  {
    name: 'process target without command',
    text: withTarget({ kind: 'process', smp: 'udp://127.0.0.1:1337' }),
    messages: ['targets.json#/targets/t/process: kind "process" needs {"command": ["program", "arg", …]}'],
  },
  {
    name: 'bad capability and budget',
    text: withTarget({ kind: 'sim', capabilities: ['SMP echo'], budgets: { 'smp.echo.rttMs': -1 }, strict: 'yes' }),
    messages: [
      'targets.json#/targets/t/capabilities/0: expected a capability name like "smp.os.echo", got "SMP echo"',
      'targets.json#/targets/t/strict: expected true or false, got "yes"',
      'targets.json#/targets/t/budgets/smp.echo.rttMs: expected a positive number, got -1',
    ],
  },
  {
    name: 'unknown budget name',
    text: withTarget({ kind: 'udp', smp: 'udp://127.0.0.1:1337', budgets: { echoRttMs: 5 } }),
    messages: ["targets.json#/targets/t/budgets/echoRttMs: unknown key 'echoRttMs' (allowed: smp.echo.rttMs, smp.img.state.rttMs, timing, resetToReadyMs, registrationMs, footprint, memory)"],
  },
  {
    name: 'lwm2m listen address not coap:// with host and port',
    text: withTarget({ kind: 'udp', smp: 'udp://127.0.0.1:1337', lwm2m: { listen: 'udp://127.0.0.1:5683', endpoint: 'dev' } }),
    messages: ["targets.json#/targets/t/lwm2m/listen: unknown scheme 'udp' (expected coap:// or coaps://)"],
  },
  {
    name: 'lwm2m listen address without port',
    text: withTarget({ kind: 'sim', lwm2m: { listen: 'coap://127.0.0.1', endpoint: 'dev' } }),
    messages: ['targets.json#/targets/t/lwm2m/listen: "coap://127.0.0.1" has no port (use :0 for an ephemeral one)'],
  },
  {
    name: 'lwm2m nstart not an integer 1-1024',
    text: withTarget({ kind: 'udp', smp: 'udp://127.0.0.1:1337', lwm2m: { listen: 'coap://127.0.0.1:5683', endpoint: 'dev', nstart: 0 } }),
    messages: ['targets.json#/targets/t/lwm2m/nstart: expected a positive integer, got 0'],
  },
  {
    name: 'lwm2m fields missing, empty, mistyped or unknown',
    text: withTarget({ kind: 'sim', lwm2m: { endpoint: '', registrationTimeoutMs: 1.5, bootstrapServer: true } }),
    messages: [
      'targets.json#/targets/t/lwm2m/listen: needs the server address to listen on, like coap://127.0.0.1:5683',
      "targets.json#/targets/t/lwm2m/bootstrapServer: unknown key 'bootstrapServer' (allowed: listen, endpoint, registrationTimeoutMs, nstart, security, bootstrap, firmware)",
      'targets.json#/targets/t/lwm2m/endpoint: expected a non-empty string, got ""',
      'targets.json#/targets/t/lwm2m/registrationTimeoutMs: expected a positive integer, got 1.5',
    ],
  },
  {
    name: 'lwm2m not an object',
    text: withTarget({ kind: 'sim', lwm2m: 'coap://127.0.0.1:5683' }),
    messages: ['targets.json#/targets/t/lwm2m: expected an object, got "coap://127.0.0.1:5683"'],
  },
  {
    name: 'default target missing',
    text: JSON.stringify({ schemaVersion: 1, defaultTarget: 'board', targets: { sim: { kind: 'sim' } } }),
    messages: ["targets.json#/defaultTarget: no target named 'board' (known: sim)"],
  },
  {
    name: 'pointer escapes / and ~ in names',
    text: JSON.stringify({ schemaVersion: 1, defaultTarget: 'a/b~c', targets: { 'a/b~c': { kind: 'x' } } }),
    messages: ['targets.json#/targets/a~1b~0c/kind: expected one of "sim", "udp", "serial", "process", got "x"'],
  },
];

describe('parseTargets errors', () => {
  it.each(rows)('$name', ({ text, messages }) => {
    const r = parseTargets(text, 'targets.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.every((e) => e instanceof ConfigError)).toBe(true);
    expect(r.error.map((e) => e.message)).toEqual(messages);
  });

  it('passes the connection string to the injected parser and reports its message', () => {
    const r = parseTargets(withTarget({ kind: 'udp', smp: 'udp://127.0.0.1' }), 'targets.json', {
      checkConnection: (s) => (s.endsWith(':1337') ? undefined : 'missing port'),
    });
    expect(!r.ok && r.error.map((e) => e.message)).toEqual(['targets.json#/targets/t/smp: missing port']);
  });

  it('rejects a fault the simulator does not know, naming the known ones', () => {
    const r = parseTargets(withTarget({ kind: 'sim', sim: { faults: ['echo-wrong', 'seq-zero:3', 'nope'] } }), 'x.json', { knownFaults: ['echo-wrong', 'seq-zero'] });
    expect(!r.ok && r.error.map((e) => e.message)).toEqual(["x.json#/targets/t/sim/faults/2: unknown fault 'nope' (known: echo-wrong, seq-zero)"]);
    expect(!r.ok && r.error[0]?.pointer).toBe('/targets/t/sim/faults/2');
  });

  it('rejects a capability the harness does not know, suggesting names of the same group', () => {
    const known = ['smp.os.echo', 'smp.os.info', 'smp.img.upload'];
    const r = parseTargets(withTarget({ kind: 'sim', capabilities: ['smp.os.echo', 'smp.os.ecko', 'lwm2m.fw'] }), 'f', { knownCapabilities: known });
    expect(!r.ok && r.error.map((e) => e.message)).toEqual([
      "f#/targets/t/capabilities/1: unknown capability 'smp.os.ecko' (did you mean one of: smp.os.echo, smp.os.info)",
      "f#/targets/t/capabilities/2: unknown capability 'lwm2m.fw' (known: smp.os.echo, smp.os.info, smp.img.upload)",
    ]);
  });
});

describe('parseTargets success', () => {
  it('fills defaults', () => {
    const r = parseTargets(withTarget({ kind: 'sim' }), 'targets.json');
    expect(r.ok && r.value.targets['t']).toEqual({
      name: 't',
      kind: 'sim',
      sim: { transports: ['udp', 'serial'], faults: [], errorForm: 'v2', bufSize: 2048, bufCount: 2 },
      capabilities: [],
      timeoutMs: 2000,
      strict: false,
      budgets: SIM_DEFAULT_BUDGETS,
    });
  });

  it('gives a board no budgets unless it sets some, and lets a sim target turn its defaults off', () => {
    const board = parseTargets(withTarget({ kind: 'udp', smp: 'udp://127.0.0.1:1337' }), 'f');
    expect(board.ok && board.value.targets['t']?.budgets).toEqual({});
    const set = parseTargets(withTarget({ kind: 'udp', smp: 'udp://127.0.0.1:1337', budgets: { 'smp.img.state.rttMs': 300 } }), 'f');
    expect(set.ok && set.value.targets['t']?.budgets).toEqual({ 'smp.img.state.rttMs': 300 });
    const off = parseTargets(withTarget({ kind: 'sim', budgets: {} }), 'f');
    expect(off.ok && off.value.targets['t']?.budgets).toEqual({});
  });

  it('accepts an lwm2m block on any kind, port 0 and IPv6 included, with the registration timeout defaulted', () => {
    const r = parseTargets(withTarget({ kind: 'sim', lwm2m: { listen: 'coap://[::1]:0', endpoint: 'urn:dev:1' } }), 'targets.json');
    expect(r.ok && r.value.targets['t']?.lwm2m).toEqual({ listen: 'coap://[::1]:0', endpoint: 'urn:dev:1', registrationTimeoutMs: 30_000 });
    const b = parseTargets(withTarget({ kind: 'udp', smp: 'udp://127.0.0.1:1337', lwm2m: { listen: 'coap://127.0.0.1:5683', endpoint: 'e', registrationTimeoutMs: 500 } }), 'targets.json');
    expect(b.ok && b.value.targets['t']?.lwm2m?.registrationTimeoutMs).toBe(500);
    const n = parseTargets(withTarget({ kind: 'udp', smp: 'udp://127.0.0.1:1337', lwm2m: { listen: 'coap://127.0.0.1:5683', endpoint: 'e', nstart: 4 } }), 'targets.json');
    expect(n.ok && n.value.targets['t']?.lwm2m?.nstart).toBe(4);
    expect(parseListenAddress('coap://127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListenAddress('coap://127.0.0.1:5683/rd')).toMatch(/only coap:\/\/HOST:PORT/);
  });

  it('accepts lwm2m.security: psk on coaps:// (key kept as lowercase hex), nosec on coap://', () => {
    const psk = { mode: 'psk', identity: 'dev-1', key: '00112233445566778899AABBCCDDEEFF' };
    const r = parseTargets(withTarget({ kind: 'udp', lwm2m: { listen: 'coaps://0.0.0.0:5684', endpoint: 'dev-1', security: psk } }), 'targets.json');
    expect(r.ok && r.value.targets['t']?.lwm2m?.security).toEqual({ ...psk, key: psk.key.toLowerCase() });
    const n = parseTargets(withTarget({ kind: 'udp', lwm2m: { listen: 'coap://0.0.0.0:5683', endpoint: 'dev-1', security: { mode: 'nosec' } } }), 'targets.json');
    expect(n.ok && n.value.targets['t']?.lwm2m?.security).toEqual({ mode: 'nosec' });
    expect(parseListenAddress('coaps://127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('accepts lwm2m.bootstrap (port defaulted to 0), drops it when disabled, refuses a bad port', () => {
    const lwm2m = { listen: 'coap://127.0.0.1:0', endpoint: 'ep' };
    const on = parseTargets(withTarget({ kind: 'sim', lwm2m: { ...lwm2m, bootstrap: { enabled: true } } }), 'targets.json');
    expect(on.ok && on.value.targets['t']?.lwm2m?.bootstrap).toEqual({ port: 0 });
    const port = parseTargets(withTarget({ kind: 'sim', lwm2m: { ...lwm2m, bootstrap: { port: 5783 } } }), 'targets.json');
    expect(port.ok && port.value.targets['t']?.lwm2m?.bootstrap).toEqual({ port: 5783 });
    const off = parseTargets(withTarget({ kind: 'sim', lwm2m: { ...lwm2m, bootstrap: { enabled: false, port: 5783 } } }), 'targets.json');
    expect(off.ok && off.value.targets['t']?.lwm2m).toEqual({ ...lwm2m, registrationTimeoutMs: 30_000 });
    const bad = parseTargets(withTarget({ kind: 'sim', lwm2m: { ...lwm2m, bootstrap: { port: 70000 } } }), 'targets.json');
    expect(bad.ok ? [] : bad.error.map((e) => e.message)).toEqual([expect.stringMatching(/^targets\.json#\/targets\/t\/lwm2m\/bootstrap\/port: /)]);
  });

  it('accepts lwm2m.firmware.package (mcuboot by default), refuses another kind', () => {
    const lwm2m = { listen: 'coap://127.0.0.1:0', endpoint: 'ep' };
    const blob = parseTargets(withTarget({ kind: 'udp', lwm2m: { ...lwm2m, firmware: { package: 'blob' } } }), 'targets.json');
    expect(blob.ok && blob.value.targets['t']?.lwm2m?.firmware).toEqual({ package: 'blob' });
    const unstated = parseTargets(withTarget({ kind: 'udp', lwm2m: { ...lwm2m, firmware: {} } }), 'targets.json');
    expect(unstated.ok && unstated.value.targets['t']?.lwm2m?.firmware).toEqual({ package: 'mcuboot' });
    const bad = parseTargets(withTarget({ kind: 'udp', lwm2m: { ...lwm2m, firmware: { package: 'zip' } } }), 'targets.json');
    expect(bad.ok ? [] : bad.error.map((e) => e.message)).toEqual([expect.stringMatching(/^targets\.json#\/targets\/t\/lwm2m\/firmware\/package: /)]);
  });

  it('accepts a device that only speaks LwM2M (no smp), and a sim target running LwM2M client versions', () => {
    const lwm2m = { listen: 'coap://127.0.0.1:0', endpoint: 'ep' };
    const p = parseTargets(withTarget({ kind: 'process', process: { command: ['./zephyr.exe'] }, lwm2m }), 'f');
    expect(p.ok && p.value.targets['t']?.smp).toBeUndefined();
    expect(p.ok && p.value.targets['t']?.lwm2m?.endpoint).toBe('ep');
    const sim = parseTargets(withTarget({ kind: 'sim', sim: { lwm2m: { versions: ['1.1', '1.1'] } } }), 'f');
    expect(sim.ok && sim.value.targets['t']?.sim?.lwm2m).toEqual({ versions: ['1.1'], lifetimeS: 30 });
    expect(builtInTargets().targets['sim']?.sim?.lwm2m).toEqual({ versions: ['1.0', '1.1'], lifetimeS: 30, ackTimeoutMs: 200 });
  });

  it('knows LwM2M capability names, any object id included', () => {
    const known = ['smp.os.echo', 'lwm2m', 'lwm2m.fmt.tlv', 'lwm2m.obj.<id>'];
    const good = parseTargets(withTarget({ kind: 'sim', capabilities: ['lwm2m', 'lwm2m.obj.3303', 'lwm2m.fmt.tlv'] }), 'f', { knownCapabilities: known });
    expect(good.ok).toBe(true);
    const bad = parseTargets(withTarget({ kind: 'sim', capabilities: ['lwm2m.fmt.tvl', 'lwm2m.obj.x'] }), 'f', { knownCapabilities: known });
    expect(bad.ok ? [] : bad.error.map((e) => e.message)).toEqual([
      "f#/targets/t/capabilities/0: unknown capability 'lwm2m.fmt.tvl' (did you mean one of: lwm2m.fmt.tlv)",
      "f#/targets/t/capabilities/1: unknown capability 'lwm2m.obj.x' (did you mean one of: lwm2m.obj.<id>)",
    ]);
  });

  it('accepts a process target', () => {
    const r = parseTargets(withTarget({ kind: 'process', smp: 'udp://127.0.0.1:1337', process: { command: ['./zephyr.exe'], readyTimeoutMs: 5000 } }), 'f');
    expect(r.ok && r.value.targets['t']?.process).toEqual({ command: ['./zephyr.exe'], readyTimeoutMs: 5000 });
  });

  it("the repository's targets.json is valid, defaults to the simulator, and its examples say what to change", async () => {
    const file = await loadTargets(join(root, 'targets.json'));
    expect(file.defaultTarget).toBe('sim');
    expect(resolveTarget(file).kind).toBe('sim');
    for (const name of ['udp-board', 'serial-board']) {
      expect(file.targets[name]?.description).toMatch(/change 'smp'/);
    }
    // The LwM2M example registers with the harness; the sim entry runs both client versions.
    expect(file.targets['lwm2m-board']?.lwm2m?.endpoint).toBeDefined();
    expect(file.targets['lwm2m-board']?.smp).toBeUndefined();
    expect(file.targets['sim']?.sim?.lwm2m).toEqual(builtInTargets().targets['sim']?.sim?.lwm2m);
    // The sim entry states the simulator's budgets, the same the built-in target carries.
    expect(file.targets['sim']?.budgets).toEqual(builtInTargets().targets['sim']?.budgets);
    expect(builtInTargets().targets['sim']?.budgets).toEqual({ ...SIM_DEFAULT_BUDGETS, ...SIM_LWM2M_TIMING_BUDGETS });
  });
});

describe('loadTargets and resolveTarget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'targets-'));

  it('names a missing file', async () => {
    await expect(loadTargets(join(dir, 'nope.json'))).rejects.toThrow(`${join(dir, 'nope.json')}: file not found`);
  });

  it('throws the first problem as a ConfigError with its pointer', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, withTarget({ kind: 'sim', timeoutMs: 'fast' }));
    const e = await loadTargets(path).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).pointer).toBe('/targets/t/timeoutMs');
  });

  it('reports a missing target with the known names', () => {
    expect(() => resolveTarget(builtInTargets(), 'board1')).toThrow("(built-in)#/targets: no target named 'board1' (known: sim)");
  });
});

describe('locateJsonError', () => {
  it.each([
    ['{"a": 1}', undefined],
    ['{"a": tru}', { message: 'Unexpected token t', line: 1, column: 7 }],
    ['{"a":\n "x\u0001"}', { message: 'Bad control character in string', line: 2, column: 4 }],
    ['[1, 2] 3', { message: 'Unexpected token 3', line: 1, column: 8 }],
    ['"\\q"', { message: 'Bad escape', line: 1, column: 2 }],
  ])('%j', (text, expected) => {
    expect(locateJsonError(text)).toEqual(expected);
  });
});
