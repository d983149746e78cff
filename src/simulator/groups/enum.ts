/**
 * Enumeration (group 10): count, list, single, details, in registration order (the capture's
 * order: 10, 8, 1, 0, 3, 9, 2, 63).
 * @see docs/spec/smp.md §3.7
 */
import { MgmtErr, MgmtGroup } from '../../codec/smp/constants.ts';
import type { SimDevice } from '../device.ts';
import { arrayElement, decodeRequest } from '../request.ts';
import { groupErr, okRsp, rcRsp, type CommandHandlers, type GroupDefinition, type HandlerContext, type HandlerResult, type RspMap } from '../types.ts';

const EnumErr = { TOO_MANY_GROUP_ENTRIES: 2, INDEX_TOO_LARGE: 4 } as const;

/** Largest index enumeration single accepts (`MAX_MCUMGR_GROUPS`); larger → rc 3. */
const MAX_MCUMGR_GROUPS = 65535;

/** Most group ids a details request may name (`..._DETAILS_BUFFER_TYPE_STACK_ENTRIES`). */
export const ENUM_DETAILS_MAX_GROUPS = 16;

/** Build the enumeration group over the registry it reports (passed lazily: it is part of it). */
export function createEnumGroup(registry: () => readonly GroupDefinition<SimDevice>[]): GroupDefinition<SimDevice> {
  const count = (): HandlerResult => okRsp({ count: registry().length });
  // The `enum-inconsistent` fault: the list names the first group twice, details ignores the filter.
  const list = (d: SimDevice): HandlerResult => {
    const ids = registry().map((g) => g.id);
    return okRsp({ groups: d.faults.has('enum-inconsistent') ? [ids[0] ?? 0, ...ids] : ids });
  };
  const single = (d: SimDevice, ctx: HandlerContext): HandlerResult => {
    const req = decodeRequest(ctx.payload, { index: 'u32' });
    const groups = registry();
    // The `enum-single-lenient` fault: a missing or undecodable index means the last group.
    if (d.faults.has('enum-single-lenient') && (!req.ok || req.value.index === undefined)) return okRsp({ group: groups.at(-1)?.id ?? 0, end: true });
    if (!req.ok || (req.value.index ?? 0) > MAX_MCUMGR_GROUPS) return rcRsp(MgmtErr.EINVAL);
    const index = req.value.index ?? 0;
    const group = groups[index];
    if (group === undefined) return groupErr(EnumErr.INDEX_TOO_LARGE);
    return okRsp(index === groups.length - 1 ? { group: group.id, end: true } : { group: group.id });
  };
  const details = (d: SimDevice, ctx: HandlerContext): HandlerResult => {
    const req = decodeRequest(ctx.payload, { groups: 'any' });
    if (!req.ok) return rcRsp(MgmtErr.EINVAL);
    // enum_mgmt's decoder callback counts array entries only: a "groups" value that is not an
    // array, or an empty array, means every group.
    const filter = req.value.groups?.kind === 'array' ? req.value.groups.items.map(arrayElement) : [];
    let wanted: Set<number> | undefined;
    if (filter.length > 0 && !d.faults.has('enum-inconsistent')) {
      if (filter.length > ENUM_DETAILS_MAX_GROUPS) return groupErr(EnumErr.TOO_MANY_GROUP_ENTRIES);
      wanted = new Set();
      for (const e of filter) {
        if (e.kind !== 'uint' || e.value > 0xffff_ffff) return rcRsp(MgmtErr.EINVAL);
        wanted.add(e.value & 0xffff);
      }
    }
    const groups: RspMap[] = registry()
      .filter((g) => wanted === undefined || wanted.has(g.id))
      .map((g) => ({ group: g.id, name: g.name, handlers: g.handlerCount }));
    return okRsp({ groups });
  };
  const commands = new Map<number, CommandHandlers<SimDevice>>([
    [0, { read: count }],
    [1, { read: list }],
    [2, { read: single }],
    [3, { read: details }],
  ]);
  return { id: MgmtGroup.ENUM, name: 'enum mgmt', handlerCount: 4, commands };
}
