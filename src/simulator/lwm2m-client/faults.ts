/**
 * LwM2M fault profiles of the simulated client: each one breaks exactly one behaviour, so the
 * self-test can prove that the case checking it fails. Same shape as the SMP profiles
 * (`../faults.ts`); chosen by name, combined freely. `caughtBy` names the LwM2M case ids that
 * must fail with the profile on.
 * @see docs/spec/lwm2m.md §1 (CoAP rules), §2 (interfaces), §5 (error responses)
 */
import type { FaultProfile } from '../faults.ts';

/** Every LwM2M fault profile. */
export const LWM2M_FAULT_PROFILES: readonly FaultProfile[] = [
  // A Read must answer 2.05 Content (§2.5).
  { name: 'lwm2m-read-answers-changed', description: 'Reads are answered 2.04 Changed instead of 2.05 Content (payload unchanged).', caughtBy: ['LWM2M-DM-READ-001', 'LWM2M-DM-READ-002'], mayAlsoFail: ['LWM2M-DM-*', 'LWM2M-FMT-*', 'LWM2M-FW-*'] },
  // A Read with an Accept the client supports must answer in that format; unsupported → 4.06 (§3.2).
  { name: 'lwm2m-ignores-accept', description: 'Reads ignore Accept and always answer in the default format (TLV in 1.0, SenML CBOR in 1.1).', caughtBy: ['LWM2M-FMT-ACCEPT-001', 'LWM2M-FMT-ACCEPT-002'], mayAlsoFail: ['LWM2M-FMT-*'] },
  // TLV lengths must match the value bytes (§3.4).
  { name: 'lwm2m-tlv-length-off-by-one', description: 'The first TLV header of every TLV payload claims one byte more than its value.', caughtBy: ['LWM2M-FMT-TLV-001'], mayAlsoFail: ['LWM2M-FMT-*', 'LWM2M-DM-*'] },
  // The client must send an Update before its lifetime expires (§2.4).
  { name: 'lwm2m-no-update-before-expiry', description: 'No periodic Update is sent: the registration lapses at the end of its lifetime.', caughtBy: ['LWM2M-REG-UPDATE-001'] },
  // Update and De-register must go to the Location-Path the Register response gave (§2.4).
  { name: 'lwm2m-update-to-rd', description: 'Updates are sent to /rd instead of the Location-Path the server returned.', caughtBy: ['LWM2M-REG-UPDATE-002'], mayAlsoFail: ['LWM2M-REG-*'] },
  // A duplicate CON (same MID) must get the same answer and not run again (§1.4).
  { name: 'lwm2m-duplicate-executed-twice', description: 'No duplicate detection: a retransmitted CON request is executed again.', caughtBy: ['LWM2M-COAP-DEDUP-001'] },
  // An unknown critical option must be refused with 4.02 (§1.5).
  { name: 'lwm2m-critical-option-ignored', description: 'Unknown critical options (e.g. If-None-Match) are ignored; the request is served.', caughtBy: ['LWM2M-COAP-OPT-001'] },
  // Responses must echo the request token (§1.4).
  { name: 'lwm2m-wrong-token', description: 'Piggybacked responses carry the request token with its last byte flipped.', caughtBy: ['LWM2M-COAP-TOKEN-001'], mayAlsoFail: ['LWM2M-*'] },
  // A 1.1 Register must carry lwm2m= (§2.4).
  { name: 'lwm2m-register-without-version', description: 'The Register request omits the lwm2m= query.', caughtBy: ['LWM2M-REG-002'] },
  // The Register payload must be valid CoRE link format (§2.4).
  // The server refuses such a Register (4.00), so the client never registers: every other case ends
  // broken with that reason; only LWM2M-REG-LINK-001, which judges the Register request, runs.
  { name: 'lwm2m-bad-register-links', description: 'The Register payload starts without "<": not valid link format.', caughtBy: ['LWM2M-REG-LINK-001'], mayAlsoFail: ['LWM2M-*'] },
  // A Read of an unknown object must answer 4.04 (§5).
  { name: 'lwm2m-unknown-object-bad-request', description: 'Requests on an unknown object are answered 4.00 instead of 4.04.', caughtBy: ['LWM2M-DM-READ-003', 'LWM2M-DM-CREATE-002'] },
  // A write to a read-only resource must be refused with 4.05 (§5, ETS int-256).
  { name: 'lwm2m-read-only-write-accepted', description: 'Writes to read-only resources are accepted (2.04) and stored.', caughtBy: ['LWM2M-DM-WRITE-004'] },
  // Notifications must respect pmin (§2.6).
  { name: 'lwm2m-notify-before-pmin', description: 'Changes are notified at once, ignoring pmin.', caughtBy: ['LWM2M-INFO-OBSERVE-003', 'LWM2M-INFO-PMIN-001'] },
  // Notification Observe values must increase (RFC 7641 §4.4).
  { name: 'lwm2m-observe-seq-stuck', description: 'Every notification carries Observe 1.', caughtBy: ['LWM2M-INFO-OBSERVE-002'] },
  // 2.05 responses must carry Content-Format (§3).
  { name: 'lwm2m-no-content-format', description: '2.05 responses carry no Content-Format option.', caughtBy: ['LWM2M-FMT-CF-001'], mayAlsoFail: ['LWM2M-FMT-*', 'LWM2M-DM-*', 'LWM2M-INFO-*'] },
  // Execute on a non-executable resource must be refused with 4.05 (§5).
  { name: 'lwm2m-execute-anything', description: 'Execute on a non-executable resource is answered 2.04.', caughtBy: ['LWM2M-DM-EXEC-002'] },
  // Zephyr v4.0 answers Execute on a non-executable resource with 4.04 (capture execute-3-0-0-not-executable).
  { name: 'lwm2m-execute-not-found', description: 'Execute on a non-executable resource is answered 4.04, as Zephyr v4.0 does, instead of 4.05.', caughtBy: ['LWM2M-DM-EXEC-002'] },
  // A response with no payload must not carry the payload marker (RFC 7252 §3); Zephyr v4.0 sends one on empty strings.
  { name: 'lwm2m-empty-payload-marker', description: 'Empty 2.05 payloads are sent as a 0xFF marker with nothing after it, as Zephyr v4.0 does.', caughtBy: ['LWM2M-COAP-MSG-001'] },
  // A write in an unsupported Content-Format must be refused with 4.15 (§5).
  { name: 'lwm2m-unsupported-format-accepted', description: 'Writes in a Content-Format the client does not support are answered 2.04 (nothing stored).', caughtBy: ['LWM2M-FMT-CF-002'] },
  // After 4.04 on Update the client must register again (§2.4, ETS int-105).
  { name: 'lwm2m-no-reregister-after-404', description: 'An Update refused with 4.04 is retried as an Update later, never as a new Register.', caughtBy: ['LWM2M-REG-REREG-001'] },
  // Non-final Block1 blocks must be answered 2.31 Continue (RFC 7959 §2.3).
  { name: 'lwm2m-block1-no-continue', description: 'Intermediate Block1 blocks are answered 2.04 instead of 2.31 Continue.', caughtBy: ['LWM2M-FW-PUSH-001'] },
  // Execute Update outside Downloaded must be refused with 4.05 (§4.6, ETS 772).
  { name: 'lwm2m-fw-update-any-state', description: 'Firmware Update (/5/0/2) runs in any state: 2.04 and Update Result 1 even with no package.', caughtBy: ['LWM2M-FW-UPDATE-002'] },
  // A cancelled observation must stop notifying (§2.6, ETS int-302/303).
  { name: 'lwm2m-cancel-ignored', description: 'Observe=1 and RST do not end an observation: notifications continue.', caughtBy: ['LWM2M-INFO-CANCEL-001', 'LWM2M-INFO-CANCEL-002'] },
  // Discover must show attributes set by Write-Attributes (§2.5).
  { name: 'lwm2m-discover-without-attributes', description: 'Discover lists links without the attributes Write-Attributes set.', caughtBy: ['LWM2M-DM-DISCOVER-002'] },
  // NON requests must be handled like CON ones (RFC 7252 §4.3); Zephyr v4.0 drops them (docs/spec/lwm2m.md §5).
  { name: 'lwm2m-ignores-non', description: 'NON requests get no answer at all, as Zephyr v4.0 does.', caughtBy: ['LWM2M-COAP-NON-001'] },
  // An Observe without a token is a bad request (4.00); Zephyr v4.0 maps it to -EINVAL and 5.00 (§1.4).
  { name: 'lwm2m-observe-empty-token-5-00', description: 'An Observe with an empty token is answered 5.00, as Zephyr v4.0 does, instead of 4.00.', caughtBy: ['LWM2M-INFO-OBSERVE-004'] },
  // Bootstrap interface (§2.3): profiles of a client started from a bootstrap server.
  // A Bootstrap-Request must carry the endpoint name (§2.3).
  { name: 'lwm2m-bs-no-ep', description: 'The Bootstrap-Request (POST /bs) carries no ep= query.', caughtBy: ['LWM2M-BS-001'], mayAlsoFail: ['LWM2M-BS-*'] },
  // Bootstrap-Finish must be answered (2.04 when the configuration is usable) (§2.3).
  { name: 'lwm2m-bs-no-finish-ack', description: 'A Bootstrap-Finish that completes the bootstrap is never answered (the client still goes on to register).', caughtBy: ['LWM2M-BS-005'] },
  // After bootstrap the client must register with the DM server the bootstrap wrote (§2.3, ETS int-0).
  { name: 'lwm2m-bs-ignores-server-uri', description: 'After Bootstrap-Finish the client registers with the server it was configured with, not the one bootstrap wrote.', caughtBy: ['LWM2M-BS-006'] },
  // Bootstrap-Finish without a usable DM server account must be refused with 4.06 (§2.3, §5).
  { name: 'lwm2m-bs-finish-accepts-unusable', description: 'Bootstrap-Finish is answered 2.04 even with no usable DM server account.', caughtBy: ['LWM2M-BS-007'] },
  // Bootstrap-Delete of / must remove every Server instance (§2.3, ETS int-4).
  { name: 'lwm2m-bs-delete-keeps-servers', description: 'Bootstrap-Delete of / keeps the Server (1) instances.', caughtBy: ['LWM2M-BS-004'] },
  // Bootstrap-Read is allowed on Server and Access Control only; Security holds keys (§2.2, §2.3).
  { name: 'lwm2m-bs-read-security', description: 'Bootstrap-Read of the Security object (0) is answered 2.05 with every key instead of 4.05.', caughtBy: ['LWM2M-BS-008'] },
  // DTLS-PSK (§7.2): a client with the wrong key cannot complete the handshake; the server refuses
  // it with a decrypt_error alert and no Register ever arrives, so every other case ends broken.
  { name: 'lwm2m-dtls-wrong-psk', description: 'On a DTLS target the client presents its identity with a wrong pre-shared key (last bit flipped).', caughtBy: ['LWM2M-SEC-DTLS-001'], mayAlsoFail: ['LWM2M-*'] },
  // Firmware Update (§4.6): a package failing its integrity check must end Idle with Result 5 (ETS 776).
  { name: 'lwm2m-fw-corrupt-accepted', description: 'A package whose MCUboot image hash does not match still reaches Downloaded and installs.', caughtBy: ['LWM2M-FW-INTEGRITY-001'] },
  // State must pass through Downloading while a package arrives (§4.6 state table).
  { name: 'lwm2m-fw-state-skips-downloading', description: 'State stays Idle while Package blocks arrive and jumps to Downloaded at the last one.', caughtBy: ['LWM2M-FW-STATE-002', 'LWM2M-FW-INTERRUPT-001'] },
  // A block larger than the receiver's own must be negotiated down (RFC 7959 §2.9.3), not cut.
  { name: 'lwm2m-fw-no-block-negotiation', description: 'Package blocks larger than the client\'s own Block1 size (512 bytes on the 1.1 build, 256 on 1.0) are acknowledged as sent but cut to that size: the package fails its check.', caughtBy: ['LWM2M-FW-PUSH-002', 'LWM2M-FW-PUSH-003'] },
  // Writing an empty Package must reset the state machine (§4.6, ETS 755).
  { name: 'lwm2m-fw-cancel-ignored', description: 'An empty Package write is answered 2.04 but State and the downloaded package stay.', caughtBy: ['LWM2M-FW-CANCEL-001'], mayAlsoFail: ['LWM2M-FW-*'] },
  // Delivery Method 2 promises pull; a coap:// Package URI must then download (§4.6).
  { name: 'lwm2m-fw-pull-unsupported-but-advertised', description: 'Delivery Method says push and pull (2), but a coap:// Package URI ends with Update Result 9 (unsupported protocol).', caughtBy: ['LWM2M-FW-PULL-001'] },
  // Protocol Support must list the protocol the pull works with (§4.6, /5/0/8).
  { name: 'lwm2m-fw-protocol-support-wrong', description: 'Firmware Update Protocol Support lists HTTP 1.1 only while the pull speaks CoAP.', caughtBy: ['LWM2M-FW-PROTO-001'] },
  // An interrupted push must leave the state machine recoverable (§4.6: a new package or a reset).
  { name: 'lwm2m-fw-interrupted-stuck', description: 'After a push stops half way, every new Package write (new push or empty reset) is refused with 4.05.', caughtBy: ['LWM2M-FW-INTERRUPT-001'], mayAlsoFail: ['LWM2M-FW-*'] },
  // Update success is reported after the device restarted (ETS 770: Result 1 after re-registration).
  { name: 'lwm2m-fw-update-no-reboot', description: 'Update ends Idle with Result 1 but the device never restarts (no Register or Update follows).', caughtBy: ['LWM2M-FW-UPDATE-001'] },
  // Notifications must come no later than pmax (§2.6).
  { name: 'lwm2m-notify-after-pmax', description: 'Periodic notifications come 1.5 s after pmax.', caughtBy: ['LWM2M-INFO-PMAX-001'], mayAlsoFail: ['LWM2M-INFO-OBSERVE-002', 'LWM2M-INFO-CANCEL-*'] },
  // gt/lt/st decide which changes are notified (§2.6).
  { name: 'lwm2m-notify-ignores-value-attributes', description: 'Every change is notified, whatever gt, lt and st say.', caughtBy: ['LWM2M-INFO-GT-001', 'LWM2M-INFO-LT-001', 'LWM2M-INFO-ST-001'] },
  // An unacknowledged CON is retransmitted with a doubling timeout (RFC 7252 §4.2).
  { name: 'lwm2m-con-retransmit-too-fast', description: 'CONs are retransmitted at the first timeout every time, without doubling it.', caughtBy: ['LWM2M-COAP-RETX-001'] },
  // An unacknowledged CON is retransmitted up to MAX_RETRANSMIT times (RFC 7252 §4.2).
  { name: 'lwm2m-con-no-retransmit', description: 'CONs are sent once and never retransmitted.', caughtBy: ['LWM2M-COAP-RETX-001'] },
  // The target's registrationMs budget bounds device start to registration (targets.json budgets).
  { name: 'lwm2m-slow-register', description: 'The first Register is sent 4 s after the client started (the simulator\'s registrationMs budget is 2.5 s).', caughtBy: ['LWM2M-TIME-REG-001'] },
  // Malformed datagrams (RFC 7252 §3): a lenient parser answers what it should reject or ignore.
  { name: 'lwm2m-unknown-version-answered', description: 'Datagrams with CoAP version 0, 2 or 3 are read as version 1 and answered.', caughtBy: ['LWM2M-MAL-VER-001'] },
  { name: 'lwm2m-long-token-answered', description: 'A token length of 9-15 is read as 8 (extra token bytes dropped) and the request answered.', caughtBy: ['LWM2M-MAL-TKL-001'] },
  { name: 'lwm2m-reserved-nibble-skipped', description: 'An option byte with nibble 15 ends the options silently; the request is answered.', caughtBy: ['LWM2M-MAL-NIBBLE-001'] },
  { name: 'lwm2m-empty-marker-accepted', description: 'A request ending in a payload marker with no payload is answered as if it had none.', caughtBy: ['LWM2M-MAL-MARKER-001'] },
  { name: 'lwm2m-long-path-served', description: 'Uri-Paths of more than 4 segments are served as their first 4; ids above 65534 are read modulo 65536.', caughtBy: ['LWM2M-MAL-PATH-001'] },
  { name: 'lwm2m-truncated-option-skipped', description: 'An option running past the end of the datagram is dropped; the request is answered.', caughtBy: ['LWM2M-MAL-TRUNC-001'] },
  // Block1 blocks out of order must be refused with 4.08 (RFC 7959 §2.9.2).
  { name: 'lwm2m-block-out-of-order-accepted', description: 'Block1 blocks are filed in arrival order whatever their NUM: a first block with NUM > 0, a gap or a repeated earlier block is answered 2.31/2.04 and stored.', caughtBy: ['LWM2M-MAL-BLOCK-001'] },
  // A Block1 acknowledgement names the size the client prefers from now on (RFC 7959 §2.5): never
  // larger than the block it acknowledges, which the sender could not follow (ETSI TD_COAP_BLOCK, Zephyr).
  { name: 'lwm2m-block1-continue-own-szx', description: 'Block1 acknowledgements always name the client\'s own block size, also for smaller blocks: 2.31 Continue with a larger SZX than the block it acknowledges.', caughtBy: ['LWM2M-FW-PUSH-004'] },
  // A client that takes blobs checks the package's length against the Size1 announced (§4.6, Result 5).
  { name: 'lwm2m-fw-blob-size-unchecked', description: 'A blob-only client (targets.json lwm2m.firmware.package "blob") takes a package shorter than the Size1 the push announced: Downloaded instead of Update Result 5.', caughtBy: ['LWM2M-FW-INTEGRITY-001'] },
  // Read of a resource id the object does not define must be 4.04 (§5, ETS int-222).
  { name: 'lwm2m-unknown-resource-empty-content', description: 'A Read of a resource id the object does not define (e.g. /3/0/9999) is answered 2.05 with an empty payload.', caughtBy: ['LWM2M-DM-READ-004'] },
  // Read of an executable resource must be refused with 4.05 (§5).
  { name: 'lwm2m-read-executable-answered', description: 'A Read of an executable resource (e.g. /3/0/4 Reboot) is answered 2.05 with an empty payload.', caughtBy: ['LWM2M-DM-READ-005'] },
  // 1.1 Read on a resource instance answers that single value (§2.5).
  { name: 'lwm2m-resource-instance-read-refused', description: 'A Read on a resource instance (/3/0/11/0) is refused with 4.00, as a client without resource-instance paths does.', caughtBy: ['LWM2M-DM-READ-006'] },
  // The Security object is never reachable from a DM server (§2.2, §5).
  { name: 'lwm2m-security-write-attributes-accepted', description: 'Write-Attributes on the Security object (PUT /0?pmin=10) is answered 2.04: the access check covers Read and Write only.', caughtBy: ['LWM2M-DM-SEC-001'] },
  // A Write answered 2.04 must have stored the value (§5).
  { name: 'lwm2m-period-write-not-stored', description: 'text/plain writes of the Server periods (/1/x/2, /1/x/3) are answered 2.04 but kept for the next boot only: the live value stays.', caughtBy: ['LWM2M-DM-WRITE-001'] },
  // A partial update (POST on an instance) changes every named resource (§2.5).
  { name: 'lwm2m-partial-write-first-only', description: 'A partial update of an instance (POST /1/0) stores its first record only and answers 2.04.', caughtBy: ['LWM2M-DM-WRITE-002'] },
  // A payload that does not decode must be refused with 4.00 (§5).
  { name: 'lwm2m-bad-text-accepted', description: 'A text/plain write that does not parse (e.g. "not-a-number" for an integer) is answered 2.04; the value stays.', caughtBy: ['LWM2M-DM-WRITE-005'] },
  // Execute on an executable resource must be answered 2.04 (§5).
  { name: 'lwm2m-update-trigger-refused', description: 'Execute on Registration Update Trigger (/1/x/8) is refused with 4.05, as a build without the trigger does.', caughtBy: ['LWM2M-DM-EXEC-001'] },
  // Discover at instance level shows dim= on multiple resources (§2.5).
  { name: 'lwm2m-discover-no-dim', description: 'Discover lists multiple resources without dim=.', caughtBy: ['LWM2M-DM-DISCOVER-001'] },
  // gt/lt/st apply to numeric resources only (§2.5 Write-Attributes table).
  { name: 'lwm2m-value-attributes-any-type', description: 'Write-Attributes takes gt/lt/st on any resource, strings included (answered 2.04).', caughtBy: ['LWM2M-DM-ATTR-001'] },
  // A Delete answered 2.02 must have removed the instance (§5).
  { name: 'lwm2m-delete-keeps-instance', description: 'Delete of an object instance is answered 2.02 but the instance stays.', caughtBy: ['LWM2M-DM-DELETE-001'], mayAlsoFail: ['LWM2M-DM-CREATE-001'] },
  // A Create whose instance id the client chose answers 2.01 with Location-Path (§2.5).
  { name: 'lwm2m-create-no-location', description: 'Create answers 2.01 without Location-Path when the client picked the instance id.', caughtBy: ['LWM2M-DM-CREATE-001'] },
  // Create in a single-instance object must be refused (§5).
  { name: 'lwm2m-create-single-instance-accepted', description: 'Create in a single-instance object (POST /3) is answered 2.01; nothing is created.', caughtBy: ['LWM2M-DM-CREATE-003'] },
  // Delete of a mandatory single instance (/3/0, /1/x) must be refused with 4.05 (§5).
  { name: 'lwm2m-delete-mandatory-acknowledged', description: 'Delete of a mandatory instance (/3/0) is answered 2.02; nothing is deleted.', caughtBy: ['LWM2M-DM-DELETE-002'] },
  // Read-Composite returns every asked path that exists (§2.5).
  { name: 'lwm2m-composite-read-first-object-only', description: 'Read-Composite answers the paths of the first path\'s object only; paths in other objects are left out.', caughtBy: ['LWM2M-COMP-READ-001'] },
  // Read-Composite leaves absent paths out instead of refusing (§2.5).
  { name: 'lwm2m-composite-read-absent-refused', description: 'A Read-Composite naming a path that does not exist is refused with 4.04 as a whole.', caughtBy: ['LWM2M-COMP-READ-002'] },
  // Write-Composite changes every named resource, atomically (§2.5).
  { name: 'lwm2m-composite-write-first-only', description: 'Write-Composite stores the first resource only and answers 2.04.', caughtBy: ['LWM2M-COMP-WRITE-001'] },
  // An empty CON (CoAP ping) is answered with RST (RFC 7252 §4.3).
  // COAP-OPT-001 pings the client to see it still answers after the refusal: it expects the RST too.
  { name: 'lwm2m-ping-answered-bad-request', description: 'An empty CON (CoAP ping) is taken for a request without a method: answered ACK 4.00 Bad Request instead of RST.', caughtBy: ['LWM2M-COAP-PING-001'], mayAlsoFail: ['LWM2M-COAP-OPT-001'] },
  // An Accept the client cannot answer gets 4.06 (§3.2, §5).
  { name: 'lwm2m-foreign-accept-default', description: 'A Read with an Accept outside the LwM2M formats (e.g. 50 application/json) is answered in the default format instead of 4.06.', caughtBy: ['LWM2M-FMT-ACCEPT-003'] },
  // Register lists every object instance (§2.4).
  { name: 'lwm2m-register-device-without-instance', description: 'The Register (and Update) lists the Device object as </3>, without its instance </3/0>.', caughtBy: ['LWM2M-REG-001'] },
  // b= names a binding of the announced version (§2.4).
  { name: 'lwm2m-register-binding-1.1-letters', description: 'The Register carries b=UN (1.1 letters: UDP and Non-IP) also on a 1.0 client, where N is no binding.', caughtBy: ['LWM2M-REG-003'] },
  // Disable makes the client De-register (Server object, Resource 4).
  { name: 'lwm2m-disable-without-deregister', description: 'Disable (/1/x/4) sends no De-register: the client goes silent and registers again after the Disable Timeout.', caughtBy: ['LWM2M-REG-DEREG-001'] },
  // A Lifetime write is followed by an Update carrying lt= (§2.4).
  { name: 'lwm2m-lifetime-write-no-update', description: 'A Lifetime (/1/x/1) write is stored but announced only at the next periodic Update.', caughtBy: ['LWM2M-REG-UPDATE-003'] },
  // Send records carry values typed per the definitions (§2.7).
  // The healthy simulator never Sends on its own (Send is then unsupported); this client does, wrongly typed.
  { name: 'lwm2m-send-values-as-strings', description: 'The 1.1 client Sends its Battery Level (POST /dp /3/0/9) after each Register, every numeric value as a SenML string (vs).', caughtBy: ['LWM2M-SEND-001'] },
  // An empty Package write resets the state machine, also from Idle (§4.6).
  { name: 'lwm2m-fw-reset-refused-when-idle', description: 'An empty Package write (reset) is refused with 4.00 while State is already Idle.', caughtBy: ['LWM2M-FW-STATE-001'] },
  // Observe answers 2.05 with an Observe option (RFC 7641 §3.2, §2.6). Without it the server holds no
  // observation, so the other observe cases see their notifications refused (knock-on).
  { name: 'lwm2m-observe-first-without-option', description: 'Observe starts the observation but its first 2.05 carries no Observe option.', caughtBy: ['LWM2M-INFO-OBSERVE-001'], mayAlsoFail: ['LWM2M-INFO-*'] },
  // Bootstrap-Discover of / starts with </>;lwm2m= (§2.3).
  { name: 'lwm2m-bs-discover-no-root-link', description: 'Bootstrap-Discover of / lists the instances without the leading </>;lwm2m= link.', caughtBy: ['LWM2M-BS-002'] },
  // Bootstrap-Write is answered 2.04, also when it creates the instance (§2.3).
  { name: 'lwm2m-bs-write-new-answers-created', description: 'A Bootstrap-Write that creates its instance is answered 2.01 instead of 2.04.', caughtBy: ['LWM2M-BS-003'] },
  // Bootstrap-Delete keeps the bootstrap server's Security instance (§2.2).
  { name: 'lwm2m-bs-delete-removes-bs-account', description: 'Bootstrap-Delete of /0 also deletes the bootstrap server\'s own Security instance.', caughtBy: ['LWM2M-BS-009', 'LWM2M-BS-004'] },
  // A text/plain number is its decimal digits and nothing else (§3.3): any readable numeric resource shows it.
  // Every case reading a number in text sees it too (DM-WRITE-001, the round trip of PROP-001).
  { name: 'lwm2m-text-number-newline', description: 'Numbers and booleans read in text/plain end in a newline ("15\\n"), as a printf-style formatter leaves them.', caughtBy: ['LWM2M-FMT-PROP-002'], mayAlsoFail: ['LWM2M-FMT-PROP-001', 'LWM2M-DM-WRITE-001'] },
  // A value written reads back equal in every format (§3, §5).
  { name: 'lwm2m-hierarchical-int-16-bit', description: 'Integers written in a hierarchical format (TLV, SenML) keep their low 16 bits, as a decoder into 16-bit fields does; text writes are stored whole.', caughtBy: ['LWM2M-FMT-PROP-001'] },
  // A read without Accept answers in a hierarchical LwM2M format (§3.2).
  { name: 'lwm2m-default-format-mislabelled', description: 'A Server object instance read without Accept is answered in SenML JSON labelled Content-Format 50 (application/json) instead of 110.', caughtBy: ['LWM2M-FMT-DEFAULT-001'], mayAlsoFail: ['LWM2M-DM-READ-002'] },
];

/** The active LwM2M faults of one client. */
export class Lwm2mFaults {
  readonly #names: ReadonlySet<string>;

  private constructor(names: ReadonlySet<string>) {
    this.#names = names;
  }

  /** Parse profile names; unknown names are reported as a message, not thrown. */
  static parse(names: readonly string[]): { ok: true; value: Lwm2mFaults } | { ok: false; error: string } {
    for (const name of names) {
      if (!LWM2M_FAULT_PROFILES.some((p) => p.name === name)) return { ok: false, error: `unknown LwM2M fault profile "${name}"` };
    }
    return { ok: true, value: new Lwm2mFaults(new Set(names)) };
  }

  /** True when the profile is on. */
  has(name: string): boolean {
    return this.#names.has(name);
  }

  /** Names of the active profiles. */
  get names(): string[] {
    return [...this.#names];
  }
}
