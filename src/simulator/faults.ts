/**
 * Fault profiles: each one breaks exactly one behaviour of the reference device, so the
 * harness's self-test can prove that the case checking that behaviour fails. Profiles are
 * chosen by name (`slow-replies:200` passes a parameter) and combine freely.
 *
 * `caughtBy` lists the conformance case ids that must flag the profile (the self-test in
 * test/selftest checks exactly that); an entry's comment names the behaviour those cases check.
 * Profile names are a closed union (`FaultName`), so a misspelt name in `faults.has(…)` does
 * not compile.
 */

/** One fault profile; `N` narrows the name to the known profiles. */
export interface FaultProfile<N extends string = string> {
  readonly name: N;
  readonly description: string;
  /** Parameter after the colon (`drop-every-nth:5`), with its default. */
  readonly params?: { readonly name: string; readonly defaultValue: number; readonly description: string };
  /** Conformance case ids that must fail when this profile is on. */
  readonly caughtBy: readonly string[];
  /**
   * Case-id patterns (`*` matches any run of characters) that may fail as well without being a
   * false failure: a profile that breaks every exchange (wrong sequence numbers, silence) takes
   * most cases down with it. The self-test still requires every `caughtBy` case to fail, and
   * any failure outside `caughtBy` and these patterns is a false alarm.
   */
  readonly mayAlsoFail?: readonly string[];
  /**
   * The one link this profile breaks, when it only acts there (the serial endpoint's framing):
   * over other transports it changes nothing, so the self-test runs it on this link alone.
   */
  readonly link?: 'serial' | 'udp';
  /** True when the device stops answering by design (robustness properties skip the liveness check). */
  readonly isCrash?: boolean;
  /**
   * How the device dies, for the profiles the harness's crash watch catches rather than a case:
   * `exit` (a process target's process ends), `hang` (it stops answering), `banner` (it prints a
   * Zephyr fatal-error banner on its console and stops). Their `caughtBy` is empty, so the
   * generic self-test sweep leaves them out; test/selftest/crash.test.ts proves them on a process
   * target (docs/architecture.md "Crashes, blocked cases and recovery").
   */
  readonly deathKind?: 'exit' | 'hang' | 'banner';
  /**
   * The test file that proves this profile, for a hostile-target profile whose effect is that the
   * run survives (ends in time with every case judged and its reports intact) or that the reports
   * stay safe, not one case's verdict; the generic self-test leaves such a profile to that file.
   * Also for a variant that adds a command the default build lacks: the file runs the cases it
   * enables against budgets that pass and fail.
   */
  readonly provedBy?: string;
}

/** The profile table as written, names kept as literal types. */
const PROFILE_TABLE = [
  // A case must check that the response sequence number equals the request's (§1.6).
  { name: 'wrong-seq', description: 'Responses carry the request sequence number + 1.', caughtBy: ['SMP-HDR-SEQ-001', 'SMP-HDR-SEQ-002', 'SMP-CAP-DISCOVERY-001'], mayAlsoFail: ['SMP-*'] },
  // A case must check the response op (1 for a read, 3 for a write) (§1.3).
  { name: 'wrong-response-op', description: 'Responses repeat the request op instead of op+1 / 3.', caughtBy: ['SMP-HDR-OP-001', 'SMP-CAP-DISCOVERY-001'], mayAlsoFail: ['SMP-*'] },
  // A case must check that the header length equals the payload length (§1.1).
  { name: 'length-off-by-one', description: 'Response header length field is one more than the payload.', caughtBy: ['SMP-HDR-LEN-001', 'SMP-PROP-VALID-001'], mayAlsoFail: ['SMP-*'] },
  // A case must send a serial request and check the response CRC (§4.2).
  { name: 'bad-crc', link: 'serial', description: 'Serial responses carry a corrupted CRC-16.', caughtBy: ['SMP-SERIAL-RSP-002', 'SMP-CAP-DISCOVERY-001'], mayAlsoFail: ['SMP-*'] },
  // A case must check the serial length field = len(packet) + 2 (§6.3 item 32, PR #40127).
  { name: 'serial-length-without-crc', link: 'serial', description: 'Serial length field omits the 2 CRC bytes (pre-2021 firmware bug).', caughtBy: ['SMP-SERIAL-RSP-002', 'SMP-CAP-DISCOVERY-001'], mayAlsoFail: ['SMP-*'] },
  // A case must upload a chunk at a wrong offset and expect {off: expected} with nothing written (§3.2.3 item 4).
  { name: 'ignore-offset-mismatch', description: 'Image upload writes a chunk at whatever offset it names.', caughtBy: ['SMP-IMG-DFU-005', 'SMP-IMG-UPLOAD-009', 'SMP-IMG-UPLOAD-010', 'SMP-IMG-UPLOAD-020'] },
  // A case must upload with a wrong sha and expect match false (§6.6 item 53).
  { name: 'accept-bad-hash', description: 'Image upload reports match: true even when the sha is wrong.', caughtBy: ['SMP-IMG-DFU-003'] },
  // A case must upload a first chunk with a wrong magic and expect group error 23 (§3.2.3).
  { name: 'accept-bad-magic', description: 'Image upload accepts a first chunk without the MCUboot magic.', caughtBy: ['SMP-IMG-DFU-101', 'SMP-IMG-DFU-102', 'SMP-IMG-DFU-103', 'SMP-IMG-UPLOAD-004', 'SMP-IMG-UPLOAD-007'] },
  // A case must read image state after an upload and find the new image's hash (§3.2.1).
  { name: 'stale-state-hash', description: 'Image state keeps reporting the slot contents from before the last upload.', caughtBy: ['SMP-IMG-DFU-001', 'SMP-IMG-DFU-002', 'SMP-IMG-DFU-009', 'SMP-IMG-DFU-010', 'SMP-IMG-DFU-104', 'SMP-IMG-DFU-105', 'SMP-IMG-DFU-107', 'SMP-IMG-DFU-108', 'SMP-IMG-DFU-109', 'SMP-IMG-DFU-110', 'SMP-IMG-DFU-112', 'SMP-IMG-DFU-113', 'SMP-IMG-DFU-114', 'SMP-IMG-STATE-002', 'SMP-IMG-ERASE-003', 'SMP-IMG-STATE-WRITE-012', 'SMP-IMG-STATE-WRITE-013', 'SMP-IMG-DFU-005'] },
  // Image DFU faults: each breaks one behaviour an SMP-IMG-DFU case checks (§3.2, §5.7).
  { name: 'ignores-upgrade-flag', description: 'Image upload ignores "upgrade": true, so an older image is accepted (no downgrade prevention).', caughtBy: ['SMP-IMG-DFU-007'] },
  { name: 'upload-resume-from-zero', description: 'A chunk at an unexpected offset makes the device drop the upload and answer off 0 instead of the offset it expects.', caughtBy: ['SMP-IMG-DFU-005'] },
  { name: 'lists-invalid-images', description: 'Image state lists slots whose TLV area img_mgmt rejects (no, two or a malformed SHA-256 TLV), with a computed hash.', caughtBy: ['SMP-IMG-DFU-106', 'SMP-IMG-DFU-111', 'SMP-IMG-DFU-115'] },
  { name: 'erase-not-done', description: 'Image erase answers {} but leaves the slot contents in place.', caughtBy: ['SMP-IMG-DFU-004', 'SMP-IMG-ERASE-005'] },
  { name: 'upload-any-image-number', description: 'Image upload ignores the "image" number of the first chunk and writes image 0\'s secondary slot.', caughtBy: ['SMP-IMG-DFU-006'] },
  // A case must check group errors come as err{group,rc} under v2 (§2.3).
  { name: 'v1-errors-under-v2', description: 'Group errors are sent as translated v1 rc values to v2 requests.', caughtBy: ['SMP-OS-DATETIME-001', 'SMP-OS-BOOTINFO-003', 'SMP-OS-INFO-004', 'SMP-STAT-SHOW-003', 'SMP-SETTINGS-003', 'SMP-SETTINGS-004', 'SMP-SETTINGS-005', 'SMP-SETTINGS-008', 'SMP-SHELL-EXEC-003', 'SMP-SHELL-EXEC-004', 'SMP-SHELL-EXEC-005', 'SMP-ENUM-SINGLE-003', 'SMP-SETTINGS-009', 'SMP-IMG-DFU-006', 'SMP-IMG-DFU-007', 'SMP-IMG-DFU-101', 'SMP-IMG-DFU-102', 'SMP-IMG-DFU-103'] },
  // A case must send a request to an unknown group and expect rc 8 (§6.1 item 6).
  { name: 'unknown-group-ok', description: 'Requests to unknown groups are answered with an empty success map.', caughtBy: ['SMP-HDR-GROUP-001', 'SMP-HDR-OP-001', 'SMP-HDR-MULTI-003', 'SMP-PROP-HEADER-001'] },
  // A case must echo a long string (> 64 characters) and compare it (§3.1.1).
  {
    name: 'echo-truncated',
    description: 'Echo replies are cut to a fixed number of characters.',
    params: { name: 'chars', defaultValue: 64, description: 'characters kept' },
    caughtBy: ['SMP-OS-ECHO-007', 'SMP-OS-ECHO-008', 'SMP-OS-ECHO-009'],
  },
  // A robustness case must send malformed CBOR, then check the device is still alive (§6.2).
  { name: 'crash-after-malformed', description: 'After the first request with a malformed CBOR body, nothing is answered any more.', caughtBy: ['SMP-CBOR-MAP-001', 'SMP-CBOR-MAP-002', 'SMP-CBOR-MAP-003', 'SMP-CBOR-MAP-004', 'SMP-CBOR-TRUNC-001', 'SMP-CBOR-TRUNC-002', 'SMP-CBOR-TRUNC-003', 'SMP-CBOR-KEY-002', 'SMP-CBOR-KEY-003', 'SMP-CBOR-DEPTH-001', 'SMP-CBOR-DEPTH-002', 'SMP-PROP-MALFORMED-001'], mayAlsoFail: ['SMP-*'], isCrash: true },
  // A timing case must bound the response time (e.g. echo round trip).
  {
    name: 'slow-replies',
    description: 'Every response is delayed.',
    params: { name: 'ms', defaultValue: 200, description: 'delay in milliseconds' },
    // Breaks the simulator's default budgets (targets.json / builtInTargets: echo 50 ms, state 100 ms).
    caughtBy: ['SMP-TIME-ECHO-001', 'SMP-TIME-IMG-STATE-001'],
  },
  // A case must send several requests and expect an answer to each one.
  {
    name: 'drop-every-nth',
    description: 'Every n-th response is not sent.',
    params: { name: 'n', defaultValue: 5, description: 'drop period' },
    caughtBy: ['SMP-HDR-SEQ-004'], mayAlsoFail: ['SMP-*'],
  },
  // A robustness case must send more malformed requests than buf_count, then check liveness.
  { name: 'leak-buffer-on-malformed', description: 'Each malformed request leaks one SMP buffer; after buf_count of them the device goes silent.', caughtBy: ['SMP-CBOR-REPEAT-001', 'SMP-PROP-MALFORMED-001'], mayAlsoFail: ['SMP-*'], isCrash: true },
  // A case must reset the device and check that upload state is gone (§6.7 item 64).
  { name: 'reset-does-nothing', description: 'Reset answers {} but the device does not reset (upload state and pending swap survive).', caughtBy: ['SMP-IMG-DFU-009', 'SMP-IMG-DFU-010', 'SMP-OS-RESET-001', 'SMP-SETTINGS-008', 'SMP-OS-RESET-002'] },
  // A case must check taskstat stkuse <= stksiz (§3.1.2).
  { name: 'taskstat-stack-overflow', description: 'Task statistics report a thread using more stack than it has.', caughtBy: ['SMP-OS-TASKSTAT-001'] },
  // A case must set the date/time and read it back (§3.1.4).
  { name: 'datetime-not-stored', description: 'Date/time set answers {} but the clock is not changed.', caughtBy: ['SMP-OS-DATETIME-002', 'SMP-OS-DATETIME-003', 'SMP-OS-DATETIME-004', 'SMP-OS-DATETIME-010', 'SMP-OS-DATETIME-011'] },
  // A case must save a setting, reset, and read it back (§3.4).
  { name: 'settings-not-persisted', description: 'Settings save answers {} but stores nothing; values are lost at reset.', caughtBy: ['SMP-SETTINGS-006', 'SMP-SETTINGS-007'] },
  // A case must upload a file and compare its crc32/sha256 with the host's (§3.5).
  { name: 'fs-hash-wrong', description: 'File hash/checksum results are off by one bit.', caughtBy: ['SMP-FS-HASH-001', 'SMP-FS-HASH-002', 'SMP-FS-HASH-003', 'SMP-FS-HASH-004', 'SMP-FS-HASH-009'] },
  // A case must send a header whose length exceeds the data and expect rc 9 (§1.5).
  { name: 'silent-on-bad-length', description: 'A header length larger than the data gets no response instead of rc 9.', caughtBy: ['SMP-HDR-LEN-002', 'SMP-HDR-LEN-003', 'SMP-BUF-UDP-002'] },
  // A case must repeat the first chunk with the same sha mid-upload and expect a resume (§6.6 item 51).
  { name: 'upload-no-resume', description: 'Repeating the first upload chunk restarts the upload at 0 instead of resuming.', caughtBy: ['SMP-IMG-DFU-005', 'SMP-IMG-UPLOAD-013', 'SMP-IMG-UPLOAD-019'] },
  // A case must upload, erase, upload again and expect the second upload to start at 0 (§6.6 item 57, #51798).
  { name: 'erase-keeps-upload-state', description: 'Image erase does not clear the upload state (Zephyr issue #51798).', caughtBy: ['SMP-IMG-UPLOAD-015'] },
  // A case must start an upload with len larger than the slot and expect group error 30 (§6.6 item 58).
  { name: 'upload-too-large-accepted', description: 'An upload larger than the slot is accepted at the start (Zephyr issue #60899).', caughtBy: ['SMP-IMG-UPLOAD-006', 'SMP-IMG-SLOT-INFO-002'] },
  // A case must send a request whose reply exceeds buf_size and expect rc 7 (§6.2 item 23).
  { name: 'no-emsgsize', description: 'Responses larger than buf_size are sent anyway instead of rc 7.', caughtBy: ['SMP-STAT-SHOW-002', 'SMP-BUF-RSP-001'], mayAlsoFail: ['SMP-STAT-SHOW-*'] },
  // A case must send two requests in one packet, the first failing, and expect one response (§1.5).
  { name: 'continue-after-error', description: 'Processing of a multi-request packet continues after an error.', caughtBy: ['SMP-HDR-MULTI-003'] },
  // A case must read MCUmgr params and check buf_count >= 1 (§3.1.6).
  { name: 'params-zero-count', description: 'MCUmgr params report buf_count 0.', caughtBy: ['SMP-OS-PARAMS-001'] },
  // Cases must compare os info outputs per letter, check the fixed order, and refuse unknown letters (§3.1.7).
  { name: 'info-format-ignored', description: 'OS info ignores "format" (any type, unknown letters included) and answers every item.', caughtBy: ['SMP-OS-INFO-001', 'SMP-OS-INFO-002', 'SMP-OS-INFO-003', 'SMP-OS-INFO-004', 'SMP-OS-INFO-005', 'SMP-OS-INFO-006', 'SMP-CBOR-MAP-001', 'SMP-CBOR-MAP-002', 'SMP-CBOR-MAP-003', 'SMP-CBOR-MAP-004', 'SMP-CBOR-TRUNC-001', 'SMP-CBOR-TRUNC-002', 'SMP-CBOR-TRUNC-003', 'SMP-CBOR-KEY-001', 'SMP-CBOR-KEY-002', 'SMP-CBOR-KEY-003', 'SMP-CBOR-TYPE-001', 'SMP-CBOR-REPEAT-001', 'SMP-OS-INFO-007'] },
  // Cases must check bootloader info answers the name for no query, the mode for "mode", and refuse other queries (§3.1.8).
  { name: 'bootloader-info-confused', description: 'Bootloader info answers the mode for no query and the name for any query.', caughtBy: ['SMP-OS-BOOTINFO-001', 'SMP-OS-BOOTINFO-002', 'SMP-OS-BOOTINFO-003', 'SMP-OS-BOOTINFO-004', 'SMP-OS-BOOTINFO-005'] },
  // Zephyr v4.0 returns QUERY_YIELDS_NO_ANSWER from the bootloader-info handler: a v1 rc 3 where group 0 expects err{0,3}.
  { name: 'bootloader-info-rc-form', description: 'Bootloader info with an unknown query answers {"rc": 3} (the code returned from the handler, as Zephyr v4.0 does) instead of err{0,3}.', caughtBy: ['SMP-OS-BOOTINFO-003'] },
  // Cases must set out-of-range, too long and wrongly typed date/times and expect rc 3 (§3.1.4).
  { name: 'datetime-lenient', description: 'Date/time set answers {} to values it cannot parse (and changes nothing).', caughtBy: ['SMP-OS-DATETIME-005', 'SMP-OS-DATETIME-006', 'SMP-OS-DATETIME-007', 'SMP-OS-DATETIME-008', 'SMP-OS-DATETIME-009', 'SMP-CBOR-TYPE-003', 'SMP-OS-DATETIME-012'] },
  // Cases must show each listed stat group and check the reply names it; unknown names must be refused (§3.3).
  { name: 'stat-show-ignores-name', description: 'Stat show answers one fixed group whatever name (or type) is asked.', caughtBy: ['SMP-STAT-SHOW-001', 'SMP-STAT-SHOW-003', 'SMP-STAT-SHOW-004', 'SMP-CBOR-TYPE-002'] },
  // Every case that sees an err must judge its group by the one rule (§3 common response rule), so Zephyr v4.0's stat bug fails wherever it shows.
  { name: 'stat-err-basic-group', description: 'Stat show of an unknown name answers err{63,3} (the Zephyr basic group) instead of err{2,2}, as Zephyr v4.0 stat_mgmt does.', caughtBy: ['SMP-STAT-SHOW-003'] },
  // Cases must write a setting and read it back or delete it (§3.4).
  { name: 'settings-write-ignored', description: 'Settings write answers {} without decoding or storing anything.', caughtBy: ['SMP-SETTINGS-001', 'SMP-SETTINGS-002', 'SMP-SETTINGS-003', 'SMP-SETTINGS-005', 'SMP-SETTINGS-006', 'SMP-SETTINGS-007'] },
  // Cases must run a shell command and check its output and return value (§3.6).
  { name: 'shell-exec-fake', description: 'Shell exec answers {"o": "", "ret": 0} without decoding or running anything.', caughtBy: ['SMP-SHELL-EXEC-001', 'SMP-SHELL-EXEC-002', 'SMP-SHELL-EXEC-003', 'SMP-SHELL-EXEC-004', 'SMP-SHELL-EXEC-005', 'SMP-SHELL-EXEC-006', 'SMP-SHELL-EXEC-007'] },
  // Cases must compare enumeration count, list, single walk and filtered details (§3.7).
  { name: 'enum-inconsistent', description: 'Enumeration list names the first group twice, and details ignores the "groups" filter.', caughtBy: ['SMP-ENUM-COUNT-001', 'SMP-ENUM-LIST-001', 'SMP-ENUM-SINGLE-001', 'SMP-ENUM-DETAILS-001', 'SMP-ENUM-DETAILS-002'] },
  // A case must erase the storage partition and expect {} (§3.9).
  { name: 'storage-erase-fails', description: 'Zephyr basic storage erase answers err{63, 4} (FLASH_ERASE_FAILED).', caughtBy: ['SMP-ZBASIC-ERASE-001'] },
  // A case must check that stat list names each group once (§3.3).
  { name: 'stat-list-duplicates', description: 'Stat list names one statistics group twice.', caughtBy: ['SMP-STAT-LIST-001'] },
  // Cases must check enumeration single without an index (index 0) and with a wrongly typed one (rc 3) (§3.7).
  { name: 'enum-single-lenient', description: 'Enumeration single answers the last group when the index is missing or not a uint.', caughtBy: ['SMP-ENUM-SINGLE-002', 'SMP-ENUM-SINGLE-004'] },
  // A case must show a live statistics group twice and see its counters move (§3.3).
  { name: 'stat-counters-frozen', description: 'Stat show repeats the values it answered the first time for each group.', caughtBy: ['SMP-STAT-SHOW-005'] },
  // Header, CBOR body, serial framing and buffer faults: one behaviour of §1, §4.2–4.7, §6.1–6.3 each.
  { name: 'seq-7-bit', description: 'Responses carry only the low 7 bits of the request sequence number.', caughtBy: ['SMP-HDR-SEQ-001', 'SMP-HDR-SEQ-002', 'SMP-PROP-HEADER-001'], mayAlsoFail: ['SMP-PROP-*'] },
  { name: 'replay-cache-by-seq', description: 'A request repeating the previous group/id/seq is not executed again; the previous responses are re-sent.', caughtBy: ['SMP-HDR-SEQ-003'] },
  { name: 'error-rsp-op-unchanged', description: 'Error responses repeat the request op instead of op 1 / 3.', caughtBy: ['SMP-HDR-OP-001', 'SMP-HDR-OP-002', 'SMP-HDR-OP-004', 'SMP-PROP-HEADER-001'], mayAlsoFail: ['SMP-HDR-*', 'SMP-PROP-*'] },
  { name: 'undefined-op-accepted', description: 'Requests with op 1, 3 or 4–7 are dispatched as writes instead of rc 8.', caughtBy: ['SMP-HDR-OP-002', 'SMP-HDR-OP-003', 'SMP-HDR-OP-004', 'SMP-PROP-HEADER-001'] },
  { name: 'reserved-version-accepted', description: 'Requests with version bits 10/11 are processed instead of rc 13.', caughtBy: ['SMP-HDR-VER-002', 'SMP-PROP-HEADER-001'] },
  { name: 'v1-reply-as-v2', description: 'Responses to SMP v1 requests carry version bits 01.', caughtBy: ['SMP-HDR-VER-001', 'SMP-OS-BOOTINFO-005', 'SMP-OS-DATETIME-001', 'SMP-OS-DATETIME-010', 'SMP-OS-ECHO-008', 'SMP-OS-INFO-005', 'SMP-OS-PARAMS-001', 'SMP-SETTINGS-004', 'SMP-SHELL-EXEC-003', 'SMP-STAT-SHOW-003', 'SMP-PROP-HEADER-001', 'SMP-PROP-VALID-001'] },
  { name: 'header-bits-echoed', description: 'Responses copy the request flags and reserved bits instead of clearing them.', caughtBy: ['SMP-HDR-BITS-001', 'SMP-HDR-BITS-002', 'SMP-PROP-HEADER-001', 'SMP-PROP-MALFORMED-001'] },
  { name: 'short-packet-answered', description: 'Packets of 0–7 bytes are answered with {"rc": 9} under an all-zero header.', caughtBy: ['SMP-HDR-SHORT-001', 'SMP-HDR-SHORT-002', 'SMP-PROP-MALFORMED-001'] },
  { name: 'unknown-command-ok', description: 'Unknown command ids of a known group are answered with an empty success map.', caughtBy: ['SMP-HDR-CMD-001', 'SMP-HDR-CMD-002', 'SMP-HDR-CMD-003'] },
  { name: 'op-ignored-in-lookup', description: 'A command sent with the op it lacks runs the handler of the other op.', caughtBy: ['SMP-HDR-CMD-004', 'SMP-ZBASIC-ERASE-002'] },
  { name: 'single-request-per-packet', description: 'Only the first SMP request of a transport packet is processed.', caughtBy: ['SMP-HDR-LEN-004', 'SMP-HDR-MULTI-001', 'SMP-HDR-MULTI-002'] },
  { name: 'reject-indefinite-maps', description: 'Indefinite-length request maps are refused with rc 3.', caughtBy: ['SMP-CBOR-INDEF-001'] },
  { name: 'strict-request-keys', description: 'Request maps with a key the command does not define are refused with rc 3.', caughtBy: ['SMP-CBOR-UNKNOWN-001', 'SMP-CBOR-UNKNOWN-002', 'SMP-CBOR-UNKNOWN-003'] },
  { name: 'rx-buffer-off-by-one', description: 'A request filling the receive buffer (min(UDP MTU, buf_size)) loses its last byte.', caughtBy: ['SMP-BUF-UDP-001'] },
  { name: 'serial-framing-errors-answered', link: 'serial', description: 'Serial framing errors (CRC, base64, length, orphan or restarted lines) are answered with {"rc": 9}.', caughtBy: ['SMP-SERIAL-CRC-001', 'SMP-SERIAL-B64-001', 'SMP-SERIAL-B64-002', 'SMP-SERIAL-LEN-001', 'SMP-SERIAL-LEN-002', 'SMP-SERIAL-ORPHAN-001', 'SMP-SERIAL-RESTART-001', 'SMP-PROP-SERIAL-001'] },
  { name: 'serial-multi-line-dropped', link: 'serial', description: 'Serial packets spanning more than one line are dropped.', caughtBy: ['SMP-SERIAL-MULTI-001', 'SMP-SERIAL-MULTI-002', 'SMP-SERIAL-SIZE-001', 'SMP-SERIAL-CONSOLE-001', 'SMP-SERIAL-CRLF-001', 'SMP-PROP-SERIAL-002'] },
  { name: 'serial-line-limit-126', link: 'serial', description: 'Serial lines of exactly 127 bytes are dropped as too long.', caughtBy: ['SMP-SERIAL-LINE-001', 'SMP-SERIAL-MULTI-001', 'SMP-SERIAL-MULTI-002', 'SMP-SERIAL-SIZE-001', 'SMP-SERIAL-CONSOLE-001', 'SMP-PROP-SERIAL-002'] },
  { name: 'serial-console-breaks-packet', link: 'serial', description: 'A console text line between the lines of a serial packet discards the packet.', caughtBy: ['SMP-SERIAL-CONSOLE-001'] },
  { name: 'serial-crlf-rejected', link: 'serial', description: 'A serial packet whose lines end in \\r\\n is dropped.', caughtBy: ['SMP-SERIAL-CRLF-001'] },
  { name: 'serial-crc-missing-at-91', link: 'serial', description: 'A serial reply of exactly 91 bytes is framed without its CRC (Zephyr issue #37893).', caughtBy: ['SMP-SERIAL-SIZE-001'], mayAlsoFail: ['SMP-SERIAL-*'] },
  { name: 'serial-long-reply-bad-crc', link: 'serial', description: 'Serial replies longer than one line carry a corrupted CRC-16 (one-line replies are intact).', caughtBy: ['SMP-SERIAL-SIZE-001', 'SMP-SERIAL-MULTI-001', 'SMP-SERIAL-MULTI-002'], mayAlsoFail: ['SMP-SERIAL-RSP-002', 'SMP-SERIAL-*'] },
  { name: 'serial-long-reply-length-without-crc', link: 'serial', description: 'Serial replies longer than one line carry a length field without the 2 CRC bytes.', caughtBy: ['SMP-SERIAL-SIZE-001', 'SMP-SERIAL-MULTI-001', 'SMP-SERIAL-MULTI-002'], mayAlsoFail: ['SMP-SERIAL-RSP-002', 'SMP-SERIAL-*'] },
  { name: 'serial-oversize-accepted', link: 'serial', description: 'Serial packets larger than buf_size are processed instead of dropped.', caughtBy: ['SMP-BUF-SERIAL-001'] },
  // Cases about the serial MTU must see a frame under it answered and one over it dropped or answered correctly (§4.3).
  { name: 'serial-mtu-overflow-processed', link: 'serial', description: 'Serial packets over the transport MTU (up to buf_size) are cut to the MTU and answered instead of dropped.', caughtBy: ['SMP-BUF-SERIAL-MTU-001'], mayAlsoFail: ['SMP-*'] },
  // Image state/erase/upload rules and file system faults: one behaviour of §3.2 and §3.5 each.
  { name: 'img-state-flags-wrong', description: 'Image state marks the secondary slot active and the running slot not active.', caughtBy: ['SMP-IMG-STATE-001', 'SMP-IMG-STATE-002', 'SMP-IMG-STATE-WRITE-007', 'SMP-IMG-STATE-WRITE-008', 'SMP-IMG-DFU-001', 'SMP-IMG-DFU-010'] },
  { name: 'state-write-hash-unchecked', description: 'Image state write answers the state list (changing nothing) to a missing, wrong-length or unknown hash.', caughtBy: ['SMP-IMG-STATE-WRITE-001', 'SMP-IMG-STATE-WRITE-002', 'SMP-IMG-STATE-WRITE-003', 'SMP-IMG-STATE-WRITE-005', 'SMP-IMG-STATE-WRITE-006', 'SMP-IMG-STATE-WRITE-010', 'SMP-IMG-STATE-WRITE-011'] },
  { name: 'test-active-allowed', description: 'Image state write accepts a test of the running image (answers the list) instead of err 33.', caughtBy: ['SMP-IMG-STATE-WRITE-007'] },
  { name: 'confirm-running-denied', description: 'Image state write refuses to confirm the running image with err 32.', caughtBy: ['SMP-IMG-STATE-WRITE-008', 'SMP-IMG-STATE-WRITE-009', 'SMP-IMG-STATE-WRITE-012', 'SMP-IMG-DFU-010'] },
  { name: 'erase-in-use-allowed', description: 'Image erase of the active or a pending slot answers {} (erasing nothing) instead of err 9.', caughtBy: ['SMP-IMG-ERASE-001', 'SMP-IMG-ERASE-002', 'SMP-IMG-ERASE-003'] },
  { name: 'wrong-types-ignored', description: 'Image and fs hash decoders skip known keys of the wrong type (as if absent) instead of answering rc 3.', caughtBy: ['SMP-IMG-STATE-WRITE-004', 'SMP-IMG-ERASE-004', 'SMP-IMG-UPLOAD-016', 'SMP-IMG-UPLOAD-017', 'SMP-FS-TYPES-001', 'SMP-FS-TYPES-002'] },
  { name: 'slot-info-missing-slot', description: 'Slot info lists only slot 0.', caughtBy: ['SMP-IMG-SLOT-INFO-001'] },
  { name: 'upload-checks-skipped', description: 'Image upload skips its request checks: no off (taken as 0), no len, a first chunk shorter than the header, a sha over 32 bytes.', caughtBy: ['SMP-IMG-UPLOAD-001', 'SMP-IMG-UPLOAD-002', 'SMP-IMG-UPLOAD-003', 'SMP-IMG-UPLOAD-005'] },
  { name: 'upload-continuation-accepted', description: 'A continuation chunk with no upload in progress is written and answered with the offset after it.', caughtBy: ['SMP-IMG-UPLOAD-008', 'SMP-IMG-UPLOAD-015', 'SMP-IMG-DFU-009', 'SMP-IMG-DFU-010'] },
  { name: 'upload-overrun-accepted', description: 'A chunk reaching past the announced len is cut at len and accepted instead of err 31.', caughtBy: ['SMP-IMG-UPLOAD-011'] },
  { name: 'upload-empty-chunk-refused', description: 'A zero-length continuation chunk is refused with rc 3.', caughtBy: ['SMP-IMG-UPLOAD-012'] },
  { name: 'upload-resume-ignores-sha', description: 'A first chunk during an upload resumes it even when its sha differs.', caughtBy: ['SMP-IMG-UPLOAD-014'] },
  { name: 'pending-confirm-allowed', description: 'Confirming the running image while a test swap is pending succeeds and cancels the test, instead of err 28.', caughtBy: ['SMP-IMG-STATE-WRITE-012'] },
  { name: 'retest-refused', description: 'Marking the already pending image for test again is refused with err 28 instead of a no-op success.', caughtBy: ['SMP-IMG-STATE-WRITE-013'] },
  { name: 'erase-any-slot-ok', description: 'Image erase of a slot number with no flash area answers {}.', caughtBy: ['SMP-IMG-ERASE-006'] },
  { name: 'short-sha-refused', description: 'Image upload refuses a first chunk whose sha is 1–31 bytes with err 24.', caughtBy: ['SMP-IMG-UPLOAD-018', 'SMP-IMG-UPLOAD-019'] },
  { name: 'fs-download-ignores-off', description: 'File download reads every chunk from the start of the file.', caughtBy: ['SMP-FS-UPLOAD-001', 'SMP-FS-DOWNLOAD-001', 'SMP-FS-DOWNLOAD-002'] },
  { name: 'fs-status-off-by-one', description: 'File status reports one byte more than the file holds.', caughtBy: ['SMP-FS-STATUS-001', 'SMP-FS-UPLOAD-003', 'SMP-FS-FULL-001'] },
  { name: 'fs-hash-ignores-range', description: 'File hash/checksum ignores "off" and "len" and hashes the whole file.', caughtBy: ['SMP-FS-HASH-004', 'SMP-FS-HASH-005', 'SMP-FS-HASH-009', 'SMP-FS-HASH-010'] },
  { name: 'fs-unknown-hash-type-accepted', description: 'File hash/checksum computes crc32 for an unknown type instead of err 13.', caughtBy: ['SMP-FS-HASH-006'] },
  { name: 'fs-hash-types-wrong', description: 'Supported hash types describe sha256 as a number (format 0).', caughtBy: ['SMP-FS-HASH-007', 'SMP-FS-HASH-008'] },
  // The fs cases reuse one scratch file (SMP has no delete and real file systems are small), so a
  // device that writes at a wrong offset or never truncates also spoils what later fs cases read.
  { name: 'fs-offset-mismatch-accepted', description: 'File upload appends a chunk at a wrong offset instead of err 11.', caughtBy: ['SMP-FS-UPLOAD-002'], mayAlsoFail: ['SMP-FS-*'] },
  { name: 'fs-no-truncate', description: 'File upload from offset 0 appends to an existing file instead of truncating it.', caughtBy: ['SMP-FS-UPLOAD-003'], mayAlsoFail: ['SMP-FS-*'] },
  { name: 'fs-close-refused', description: 'File close answers err{8, 1}.', caughtBy: ['SMP-FS-CLOSE-001'] },
  { name: 'fs-request-checks-skipped', description: 'File download without "off" reads from 0, and a first upload chunk without "len" is accepted, instead of rc 3.', caughtBy: ['SMP-FS-UPLOAD-004', 'SMP-FS-DOWNLOAD-003'] },
  { name: 'fs-missing-file-empty', description: 'A missing file reads as an empty one (status len 0, empty download, hash err 16).', caughtBy: ['SMP-FS-MISSING-001', 'SMP-FS-MISSING-002', 'SMP-FS-MISSING-003'] },
  // A case must judge the reply's bytes, not the values a last-key-wins decoder makes of them (RFC 8949 §5.6).
  {
    name: 'echo-duplicate-key',
    description: 'Echo replies to text with non-ASCII characters carry "r" twice: first the text with "?" for each non-ASCII character, then the text itself.',
    caughtBy: ['SMP-OS-ECHO-006', 'SMP-OS-ECHO-009'],
  },
  { name: 'fs-full-reports-ok', description: 'An upload chunk the full file system cannot take is answered with success and "off" advanced, but nothing is stored.', caughtBy: ['SMP-FS-FULL-001'] },
  // Device deaths the crash watch must catch, attribute, block after and recover from.
  { name: 'crash-on-fs-upload', description: 'The first file upload request crashes the device: a BUS FAULT banner in the mcumgr smp thread, "Halting system"; a process target\'s process exits (status 3), in process the device stops answering.', caughtBy: [], isCrash: true, deathKind: 'exit', provedBy: 'test/selftest/crash.test.ts' },
  {
    name: 'hang-after-requests',
    description: 'After N requests the device stops answering anything, without a word on its console.',
    params: { name: 'requests', defaultValue: 20, description: 'requests answered before the hang' },
    caughtBy: [],
    isCrash: true,
    deathKind: 'hang',
    provedBy: 'test/selftest/crash.test.ts',
  },
  {
    name: 'fault-banner',
    description: 'After N requests the device prints a Zephyr fatal-error banner on its console and stops answering (the process keeps running, like a halted QEMU).',
    params: { name: 'requests', defaultValue: 20, description: 'requests answered before the fault' },
    caughtBy: [],
    isCrash: true,
    deathKind: 'banner',
    provedBy: 'test/selftest/crash.test.ts',
  },
  // Hostile targets: the run must end in time, judge every case and keep its reports, however the
  // device misbehaves. A CBOR bomb or an oversize datagram is a malformed reply the echo cases judge;
  // the others (garbage, resets, hangs, vanishing, markup in device strings) are proved by their tests.
  { name: 'cbor-bomb-length', description: 'Echo replies are a map claiming 2^64-1 entries whose "r" claims a text string of 2^64-1 bytes.', caughtBy: ['SMP-OS-ECHO-001', 'SMP-OS-ECHO-002'], mayAlsoFail: ['SMP-*'] },
  {
    name: 'cbor-bomb-depth',
    description: 'Echo replies nest "r" inside arrays this many levels deep.',
    params: { name: 'depth', defaultValue: 1000, description: 'array nesting levels' },
    caughtBy: ['SMP-OS-ECHO-001', 'SMP-OS-ECHO-002'],
    mayAlsoFail: ['SMP-*'],
  },
  {
    name: 'oversize-datagram',
    link: 'udp',
    description: 'Echo replies over UDP are sent as one datagram padded with zero bytes to this size.',
    params: { name: 'bytes', defaultValue: 65_000, description: 'datagram size in bytes (at most 65507)' },
    caughtBy: ['SMP-OS-ECHO-001', 'SMP-OS-ECHO-002'],
    mayAlsoFail: ['SMP-*'],
  },
  {
    name: 'serial-garbage-flood',
    link: 'serial',
    description: 'Every serial reply is followed by a burst of garbage: random bytes, broken frame starts and continuations, over-long lines.',
    params: { name: 'bytes', defaultValue: 4096, description: 'garbage bytes after each reply' },
    caughtBy: [],
    provedBy: 'test/unit/cli/hostile-targets.test.ts',
  },
  {
    name: 'reset-mid-suite',
    description: 'After this many requests the device reboots on its own (RAM state lost) and answers nothing for 1.5 s.',
    params: { name: 'requests', defaultValue: 40, description: 'requests before the reset' },
    caughtBy: [],
    provedBy: 'test/unit/cli/hostile-targets.test.ts',
  },
  {
    name: 'vanish-after-requests',
    description: 'After this many requests the device disappears: its UDP port and its pseudo-terminal are closed.',
    params: { name: 'requests', defaultValue: 40, description: 'requests answered before it vanishes' },
    caughtBy: [],
    isCrash: true,
    provedBy: 'test/unit/cli/hostile-targets.test.ts',
  },
  {
    name: 'hang-mid-upload',
    description: 'After this many image upload chunks the device hangs: nothing is answered any more, and nothing is logged.',
    params: { name: 'chunks', defaultValue: 2, description: 'upload chunks answered before the hang' },
    caughtBy: [],
    isCrash: true,
    provedBy: 'test/unit/cli/hostile-targets.test.ts',
  },
  {
    name: 'exit-mid-upload',
    description: 'After this many image upload chunks the device exits: it logs a fatal error, its endpoints close, and `mgmt-conformance sim` exits with status 3.',
    params: { name: 'chunks', defaultValue: 2, description: 'upload chunks answered before the exit' },
    caughtBy: [],
    isCrash: true,
    provedBy: 'test/unit/cli/hostile-targets.test.ts',
  },
  {
    name: 'os-info-script',
    description: 'OS info items, the bootloader name and shell output carry HTML and Markdown: <script>, <img onerror>, table pipes, links.',
    caughtBy: [],
    provedBy: 'test/unit/reporting/certificate-hostile-run.test.ts',
  },
  // A known key with the wrong major type fails decoding with rc 3 (docs/spec/smp.md §3.1.1); a lenient decoder takes it.
  { name: 'echo-bstr-accepted', description: 'An echo whose "d" is a byte string is answered rc 0, its bytes echoed as text.', caughtBy: ['SMP-OS-ECHO-003'] },
  // An echo without "d" is refused with rc 3, or (Zephyr <= v4.0) echoes ""; a reply with neither is neither behaviour.
  { name: 'echo-missing-d-empty-map', description: 'An echo without "d" is answered rc 0 with an empty map: neither rc 3 nor "r": "".', caughtBy: ['SMP-OS-ECHO-004'] },
  // Not a fault: a build with memory-pool statistics, which Zephyr v4 lacks (§3.1.3), so FOOT-POOL-001 can run and be judged against a budget.
  {
    name: 'os-mpstat-pools',
    description: 'OS memory-pool statistics (os mpstat) are answered instead of rc 8: four network pools with fixed figures, rx_bufs peaking at 29 of 36 blocks (80.6 %).',
    caughtBy: [],
    provedBy: 'test/unit/conformance/footprint-suite.test.ts',
  },
] as const satisfies readonly FaultProfile[];

/** Name of a fault profile the simulator knows. */
export type FaultName = (typeof PROFILE_TABLE)[number]['name'];

/** Every fault profile the simulator knows. */
export const FAULT_PROFILES: readonly FaultProfile<FaultName>[] = PROFILE_TABLE;

/** The active faults of one simulator, with their parameters. */
export class ActiveFaults {
  readonly #params: ReadonlyMap<FaultName, number>;

  private constructor(params: ReadonlyMap<FaultName, number>) {
    this.#params = params;
  }

  /** No faults: a conforming device. */
  static none(): ActiveFaults {
    return new ActiveFaults(new Map());
  }

  /**
   * Parse profile names (`name` or `name:param`). Unknown names and bad parameters are
   * reported as a message, not thrown.
   */
  static parse(specs: readonly string[]): { ok: true; value: ActiveFaults } | { ok: false; error: string } {
    const params = new Map<FaultName, number>();
    for (const spec of specs) {
      const [name = '', raw] = spec.split(':', 2);
      const profile = FAULT_PROFILES.find((p) => p.name === name);
      if (profile === undefined) return { ok: false, error: `unknown fault profile "${name}"` };
      if (raw !== undefined && profile.params === undefined) return { ok: false, error: `fault "${name}" takes no parameter` };
      const value = raw === undefined ? (profile.params?.defaultValue ?? 0) : Number(raw);
      if (!Number.isFinite(value) || value < 0) return { ok: false, error: `fault "${name}": bad parameter "${raw ?? ''}"` };
      params.set(profile.name, value);
    }
    return { ok: true, value: new ActiveFaults(params) };
  }

  /** True when the profile is on. */
  has(name: FaultName): boolean {
    return this.#params.has(name);
  }

  /** The profile's parameter (its default when none was given), or undefined when off. */
  param(name: FaultName): number | undefined {
    return this.#params.get(name);
  }

  /** Names of the active profiles, as given (without parameters). */
  get names(): FaultName[] {
    return [...this.#params.keys()];
  }

  /** True when an active profile makes the device stop answering by design. */
  get hasCrashProfile(): boolean {
    return FAULT_PROFILES.some((p) => p.isCrash === true && this.has(p.name));
  }
}
