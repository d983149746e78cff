/**
 * The SMP group codecs: one module per group, plus the list of every command.
 * @see docs/spec/smp.md §3
 */
import type { DefinedCommand } from './fields.ts';
import { enumCommands } from './enum.ts';
import { fsCommands } from './fs.ts';
import { imgCommands } from './img.ts';
import { osCommands } from './os.ts';
import { settingsCommands } from './settings.ts';
import { shellCommands } from './shell.ts';
import { statCommands } from './stat.ts';
import { zephyrCommands } from './zephyr.ts';

export * from './fields.ts';
export * from './os.ts';
export * from './img.ts';
export * from './stat.ts';
export * from './settings.ts';
export * from './fs.ts';
export * from './shell.ts';
export * from './enum.ts';
export * from './zephyr.ts';

/** A command with its declared request keys and response type (what `defineCommand` builds). */
export type AnySmpCommand = DefinedCommand<object, unknown>;

/** Every command of every group, keyed by `name` (`os.echo`, `img.upload`, …). */
export const allCommands: ReadonlyMap<string, AnySmpCommand> = new Map(
  [osCommands, imgCommands, statCommands, settingsCommands, fsCommands, shellCommands, enumCommands, zephyrCommands]
    .flatMap((g) => Object.values(g) as AnySmpCommand[])
    .map((c) => [c.name, c]),
);

/** Find the command for a (group, id, op) triple, if one is defined. */
export function findCommand(group: number, id: number, op: number): AnySmpCommand | undefined {
  for (const c of allCommands.values()) if (c.group === group && c.id === id && c.op === op) return c;
  return undefined;
}
