/**
 * The rule for the group of a v2 group error: a reply's `err.group` is the group of the request
 * it answers. Every case that sees an `err` judges it here, so one device behaviour gets one
 * verdict and one explanation, whichever case meets it. Known released deviations are named with
 * their upstream fix, but they still fail: the protocol text allows no other group.
 * @see docs/spec/smp.md §1.3, §2.3, §3 "Common response rule"
 */

/**
 * The sentences the rule rests on: the SMP protocol document defines `err.group` as the group of
 * the group-based error code, and every group answers its errors from its own table.
 */
export const ERR_GROUP_RULE = 'the SMP protocol text ("err" -> "group": "mcumgr_group_t group of the group-based error code"; docs/spec/smp.md §3: "v2 errors as `err{group,rc}` with the group\'s table"): the err.group of a reply is the request\'s group';

/** A released server that tags the errors of one group with another group's id. */
export interface KnownErrGroupDeviation {
  requestGroup: number;
  replyGroup: number;
  /** Where it was seen. */
  release: string;
  /** Where it is fixed upstream. */
  fix: string;
}

/** Deviations seen in released firmware. */
export const KNOWN_ERR_GROUP_DEVIATIONS: readonly KnownErrGroupDeviation[] = [
  {
    requestGroup: 2,
    replyGroup: 63,
    release: "Zephyr v4.0 stat_mgmt (smp_add_cmd_err with ZEPHYR_MGMT_GRP_BASIC)",
    fix: 'zephyr PR #104682 "mcumgr: Fix \'stat\' group error codes"',
  },
];

/**
 * The problem with a v2 group error `{group, rc}` answering a request of `requestGroup`, or
 * undefined when the group is the request's. The text quotes the reply, names the rule and, for a
 * known deviation, the release and its upstream fix.
 */
export function errGroupProblem(requestGroup: number, err: { group: number; rc: number }): string | undefined {
  if (err.group === requestGroup) return undefined;
  const known = KNOWN_ERR_GROUP_DEVIATIONS.find((d) => d.requestGroup === requestGroup && d.replyGroup === err.group);
  const base = `reply {"err": {"group": ${err.group}, "rc": ${err.rc}}} to a group ${requestGroup} request breaks ${ERR_GROUP_RULE}`;
  return known === undefined ? base : `${base}; known deviation of ${known.release}, fixed upstream by ${known.fix}`;
}
