/**
 * Bad targets.json files, one row each: every one is refused with a clear message at its JSON
 * pointer (the schema in schema/targets.schema.json, then the cross-field checks).
 */
import { describe, expect, it } from 'vitest';
import { parseTargets } from '../../../src/config/targets.ts';

const board = { kind: 'udp', smp: 'udp://127.0.0.1:1337' };
const proc = { kind: 'process', process: { command: ['build/zephyr/zephyr.exe'] } };

/** A file with the one target `t`. */
const one = (t: Record<string, unknown>): string => JSON.stringify({ schemaVersion: 1, targets: { t } });

const rows: { name: string; text: string; pointer: string; says: RegExp }[] = [
  { name: 'schemaVersion missing', text: JSON.stringify({ targets: { t: board } }), pointer: '/schemaVersion', says: /missing: expected 1/ },
  { name: 'schemaVersion a string', text: JSON.stringify({ schemaVersion: '1', targets: { t: board } }), pointer: '/schemaVersion', says: /expected 1, got "1"/ },
  { name: 'targets missing', text: JSON.stringify({ schemaVersion: 1 }), pointer: '/targets', says: /missing: expected an object with at least one target/ },
  { name: 'targets empty', text: JSON.stringify({ schemaVersion: 1, targets: {} }), pointer: '/targets', says: /expected an object with at least one target, got an object/ },
  { name: 'targets an array', text: JSON.stringify({ schemaVersion: 1, targets: [board] }), pointer: '/targets', says: /expected an object with at least one target, got an array/ },
  { name: 'target not an object', text: one('udp://x' as never), pointer: '/targets/t', says: /expected an object, got "udp:\/\/x"/ },
  { name: 'kind missing', text: one({ smp: 'udp://127.0.0.1:1337' }), pointer: '/targets/t/kind', says: /missing: expected one of "sim", "udp", "serial", "process"/ },
  { name: 'unknown kind', text: one({ kind: 'tcp' }), pointer: '/targets/t/kind', says: /expected one of "sim", "udp", "serial", "process", got "tcp"/ },
  { name: 'kind a number', text: one({ kind: 1 }), pointer: '/targets/t/kind', says: /got 1/ },
  { name: 'timeoutMs a string', text: one({ ...board, timeoutMs: '2s' }), pointer: '/targets/t/timeoutMs', says: /expected a positive number, got "2s"/ },
  { name: 'timeoutMs zero', text: one({ ...board, timeoutMs: 0 }), pointer: '/targets/t/timeoutMs', says: /expected a positive number, got 0/ },
  { name: 'strict a string', text: one({ ...board, strict: 'yes' }), pointer: '/targets/t/strict', says: /expected true or false, got "yes"/ },
  { name: 'capabilities a string', text: one({ ...board, capabilities: 'smp.os.echo' }), pointer: '/targets/t/capabilities', says: /expected an array of strings/ },
  { name: 'capability badly named', text: one({ ...board, capabilities: ['echo'] }), pointer: '/targets/t/capabilities/0', says: /capability name like "smp.os.echo", got "echo"/ },
  { name: 'unknown target key', text: one({ ...board, resetMethod: 'smp' }), pointer: '/targets/t/resetMethod', says: /unknown key 'resetMethod' \(allowed: .*reset/ },
  { name: 'udp target without smp', text: one({ kind: 'udp' }), pointer: '/targets/t/smp', says: /needs a connection string/ },
  { name: 'smp with unknown scheme', text: one({ kind: 'udp', smp: 'tcp://1.2.3.4:1' }), pointer: '/targets/t/smp', says: /unknown scheme 'tcp'/ },
  { name: 'sim bufSize fractional', text: one({ kind: 'sim', sim: { bufSize: 1.5 } }), pointer: '/targets/t/sim/bufSize', says: /expected a positive integer, got 1.5/ },
  { name: 'sim transport unknown', text: one({ kind: 'sim', sim: { transports: ['tcp'] } }), pointer: '/targets/t/sim/transports/0', says: /expected one of "udp", "udp6", "serial", got "tcp"/ },
  { name: 'process target without process', text: one({ kind: 'process' }), pointer: '/targets/t/process', says: /needs \{"command"/ },
  { name: 'process command a shell string', text: one({ kind: 'process', process: { command: 'build/zephyr/zephyr.exe --x' } }), pointer: '/targets/t/process/command', says: /expected an argv array of strings/ },
  { name: 'process command empty', text: one({ kind: 'process', process: { command: [] } }), pointer: '/targets/t/process/command', says: /expected an argv array of strings.*got an array/ },
  { name: 'process command item a number', text: one({ kind: 'process', process: { command: ['qemu', 3] } }), pointer: '/targets/t/process/command/1', says: /expected a non-empty string, got 3/ },
  { name: 'process env value a number', text: one({ ...proc, process: { ...proc.process, env: { A: 1 } } }), pointer: '/targets/t/process/env/A', says: /expected a string, got 1/ },
  { name: 'process ready pattern not a regex', text: one({ ...proc, process: { ...proc.process, ready: { pattern: '(pts' } } }), pointer: '/targets/t/process/ready/pattern', says: /not a regular expression/ },
  { name: 'process ready pattern without a group', text: one({ ...proc, process: { ...proc.process, ready: { pattern: 'pts/\\d+' } } }), pointer: '/targets/t/process/ready/pattern', says: /capture group/ },
  { name: 'process on a udp target', text: one({ ...board, process: proc.process }), pointer: '/targets/t/process', says: /belongs to kind "process"/ },
  { name: 'unknown reset method', text: one({ ...board, reset: { method: 'power-cycle' } }), pointer: '/targets/t/reset/method', says: /expected one of "smp", "command", "restart", "none", got "power-cycle"/ },
  { name: 'reset without method', text: one({ ...board, reset: {} }), pointer: '/targets/t/reset/method', says: /missing: expected one of "smp"/ },
  { name: 'reset command without argv', text: one({ ...board, reset: { method: 'command' } }), pointer: '/targets/t/reset/command', says: /needs the command to run/ },
  { name: 'reset command a shell string', text: one({ ...board, reset: { method: 'command', command: 'nrfjprog --reset' } }), pointer: '/targets/t/reset/command', says: /expected an argv array/ },
  { name: 'restart on a board', text: one({ ...board, reset: { method: 'restart' } }), pointer: '/targets/t/reset/method', says: /needs a process target/ },
  { name: 'console readiness without pattern', text: one({ ...board, reset: { method: 'smp', readiness: 'console' } }), pointer: '/targets/t/reset/consolePattern', says: /needs the console line pattern/ },
  { name: 'lwm2m readiness without lwm2m', text: one({ ...board, reset: { method: 'smp', readiness: 'lwm2m-register' } }), pointer: '/targets/t/reset/readiness', says: /needs the target's lwm2m block/ },
  { name: 'budget not a number', text: one({ ...board, budgets: { 'smp.echo.rttMs': '50ms' } }), pointer: '/targets/t/budgets/smp.echo.rttMs', says: /expected a positive number, got "50ms"/ },
  { name: 'timing budget glob with ** ', text: one({ ...board, budgets: { timing: { 'smp.**': { p95: 5 } } } }), pointer: '/targets/t/budgets/timing/smp.**', says: /bad name "smp\.\*\*": expected a command name or class/ },
  { name: 'timing budget glob in the middle', text: one({ ...board, budgets: { timing: { 'smp.*.echo': { p95: 5 } } } }), pointer: '/targets/t/budgets/timing/smp.*.echo', says: /'\*' only as the last part/ },
  { name: 'timing budget of an unknown protocol', text: one({ ...board, budgets: { timing: { 'coap.get': { p95: 5 } } } }), pointer: '/targets/t/budgets/timing/coap.get', says: /bad name "coap\.get"/ },
  { name: 'timing budget percentile unknown', text: one({ ...board, budgets: { timing: { 'smp.os.*': { p99: 5 } } } }), pointer: '/targets/t/budgets/timing/smp.os.*/p99', says: /unknown key 'p99' \(allowed: p50, p95, max\)/ },
  { name: 'timing budget percentile a string', text: one({ ...board, budgets: { timing: { 'smp.os.echo': { p95: 'fast' } } } }), pointer: '/targets/t/budgets/timing/smp.os.echo/p95', says: /expected a positive number, got "fast"/ },
  { name: 'footprint budget not a number', text: one({ ...board, budgets: { footprint: { romBytes: '64k' } } }), pointer: '/targets/t/budgets/footprint/romBytes', says: /expected a positive integer, got "64k"/ },
  { name: 'footprint subsystem budget unknown key', text: one({ ...board, budgets: { footprint: { subsystems: { mcumgr: { rom: 1 } } } } }), pointer: '/targets/t/budgets/footprint/subsystems/mcumgr/rom', says: /unknown key 'rom' \(allowed: romBytes, ramBytes\)/ },
  { name: 'memory budget over 100 %', text: one({ ...board, budgets: { memory: { maxStackUsePercent: 120 } } }), pointer: '/targets/t/budgets/memory/maxStackUsePercent', says: /a percentage in \(0, 100\], got 120/ },
  { name: 'build empty', text: one({ ...board, build: {} }), pointer: '/targets/t/build', says: /naming at least one of dir, romReport, ramReport, elf/ },
  { name: 'build path a number', text: one({ ...board, build: { romReport: 5 } }), pointer: '/targets/t/build/romReport', says: /expected a non-empty string, got 5/ },
  { name: 'baseline with an elf', text: one({ ...board, baseline: { elf: 'a.elf' } }), pointer: '/targets/t/baseline/elf', says: /unknown key 'elf' \(allowed: romReport, ramReport\)/ },
  { name: 'bad lwm2m listen', text: one({ ...board, lwm2m: { listen: 'coap://127.0.0.1', endpoint: 'dev' } }), pointer: '/targets/t/lwm2m/listen', says: /has no port/ },
  { name: 'lwm2m endpoint missing', text: one({ ...board, lwm2m: { listen: 'coap://127.0.0.1:0' } }), pointer: '/targets/t/lwm2m/endpoint', says: /needs the endpoint client name/ },
  { name: 'lwm2m security mode unknown', text: one({ ...board, lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint: 'dev', security: { mode: 'cert' } } }), pointer: '/targets/t/lwm2m/security/mode', says: /expected one of "psk", "nosec", got "cert"/ },
  { name: 'lwm2m security unknown key', text: one({ ...board, lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint: 'dev', security: { mode: 'psk', identity: 'a', key: '00', hint: 'x' } } }), pointer: '/targets/t/lwm2m/security/hint', says: /unknown key 'hint' \(allowed: mode, identity, key\)/ },
  { name: 'lwm2m psk without identity', text: one({ ...board, lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint: 'dev', security: { mode: 'psk', key: '0011' } } }), pointer: '/targets/t/lwm2m/security/identity', says: /mode "psk" needs the PSK identity/ },
  { name: 'lwm2m psk without key', text: one({ ...board, lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint: 'dev', security: { mode: 'psk', identity: 'dev' } } }), pointer: '/targets/t/lwm2m/security/key', says: /needs the pre-shared key as hex/ },
  { name: 'lwm2m psk key not hex', text: one({ ...board, lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint: 'dev', security: { mode: 'psk', identity: 'dev', key: '00zz' } } }), pointer: '/targets/t/lwm2m/security/key', says: /found "z" at character 3/ },
  { name: 'lwm2m psk key odd length', text: one({ ...board, lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint: 'dev', security: { mode: 'psk', identity: 'dev', key: '001' } } }), pointer: '/targets/t/lwm2m/security/key', says: /even number of hex digits \(whole bytes\), got 3/ },
  { name: 'lwm2m psk key too long', text: one({ ...board, lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint: 'dev', security: { mode: 'psk', identity: 'dev', key: '00'.repeat(65) } } }), pointer: '/targets/t/lwm2m/security/key', says: /65 bytes is longer than 64/ },
  { name: 'lwm2m psk key a number', text: one({ ...board, lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint: 'dev', security: { mode: 'psk', identity: 'dev', key: 1234 } } }), pointer: '/targets/t/lwm2m/security/key', says: /expected a string, got 1234/ },
  { name: 'lwm2m psk on coap://', text: one({ ...board, lwm2m: { listen: 'coap://127.0.0.1:0', endpoint: 'dev', security: { mode: 'psk', identity: 'dev', key: '0011' } } }), pointer: '/targets/t/lwm2m/listen', says: /use coaps:\/\/HOST:PORT/ },
  { name: 'lwm2m coaps:// without psk', text: one({ ...board, lwm2m: { listen: 'coaps://127.0.0.1:0', endpoint: 'dev' } }), pointer: '/targets/t/lwm2m/listen', says: /coaps:\/\/ needs "security": \{"mode": "psk"/ },
  { name: 'lwm2m nosec with a key', text: one({ ...board, lwm2m: { listen: 'coap://127.0.0.1:0', endpoint: 'dev', security: { mode: 'nosec', key: '0011' } } }), pointer: '/targets/t/lwm2m/security/key', says: /belongs to security mode "psk", but the mode is "nosec"/ },
  {
    name: 'two targets without defaultTarget',
    text: JSON.stringify({ schemaVersion: 1, targets: { a: board, b: board } }),
    pointer: '/defaultTarget',
    says: /missing: the file has 2 targets.*\(one of: a, b\)/,
  },
];

describe('bad targets.json files', () => {
  it('the table has at least 30 rows', () => expect(rows.length).toBeGreaterThanOrEqual(30));

  it.each(rows)('$name', ({ text, pointer, says }) => {
    const r = parseTargets(text, 'targets.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = r.error.filter((e) => e.pointer === pointer);
    expect(at, r.error.map((e) => e.message).join('\n')).toHaveLength(1);
    expect(at[0]!.message).toMatch(says);
    expect(at[0]!.message.startsWith(`targets.json#${pointer}: `)).toBe(true);
    for (const e of r.error) expect(e.message.split('\n')).toHaveLength(1);
  });

  it('a file with exactly one target needs no defaultTarget', () => {
    const r = parseTargets(JSON.stringify({ $schema: './schema/targets.schema.json', schemaVersion: 1, targets: { only: board } }), 'targets.json');
    expect(r.ok && r.value.defaultTarget).toBe('only');
  });
});
