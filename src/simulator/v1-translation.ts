/**
 * v1 translation of group errors, as Zephyr's `*_mgmt_translate_error_code` functions do it.
 * The tables live in the codec (`group-errors.ts`, read from Zephyr source and pinned by the
 * golden vectors and `test/unit/codec/smp/group-errors.test.ts`); the dispatcher calls this name.
 * @see docs/spec/smp.md §2.3, §2.4
 */
export { translateGroupErrToV1 as translateToV1 } from '../codec/smp/group-errors.ts';
