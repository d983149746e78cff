/**
 * The pinned spec registry: every case cites a document by key, and the key resolves to the
 * document at the revision the digest was written from, so a link never drifts with upstream.
 * @see docs/spec/smp.md §0 (sources and commits)
 */

/** How a document's section headings become URL anchors. */
type AnchorStyle = 'docutils' | 'github-md' | 'none';

/** One pinned document. */
export interface SpecDoc {
  title: string;
  /** Revision the digest was written against (commit, tag or version). */
  revision: string;
  /** URL of the document at that revision. */
  url: string;
  anchors: AnchorStyle;
}

const ZEPHYR = 'https://github.com/zephyrproject-rtos/zephyr/blob';
const ZEPHYR_DOC = 'doc/services/device_mgmt';
const MCUMGR_SRC = 'subsys/mgmt/mcumgr';

function zephyrDoc(title: string, commit: string, path: string): SpecDoc {
  return { title, revision: commit, url: `${ZEPHYR}/${commit}/${path}`, anchors: 'docutils' };
}

function zephyrSource(title: string, commit: string, path: string): SpecDoc {
  return { title, revision: commit, url: `${ZEPHYR}/${commit}/${path}`, anchors: 'none' };
}

function header(grp: string, dir = `${grp}_mgmt`): SpecDoc {
  return zephyrSource(`Zephyr ${grp}_mgmt.h (group error codes, documented per enumerator)`, 'v4.0.0', `include/zephyr/mgmt/mcumgr/grp/${dir}/${grp}_mgmt.h`);
}

function group(n: number, name: string, commit: string): SpecDoc {
  return zephyrDoc(`Zephyr SMP group ${n}: ${name}`, commit, `${ZEPHYR_DOC}/smp_groups/smp_group_${n}.rst`);
}

/** Every document a case may cite, by key. Commits are those listed in the SMP digest §0. */
export const SPEC_DOCS = {
  'smp-digest': {
    title: 'mgmt-conformance SMP protocol digest',
    revision: 'docs/spec/smp.md in this repository',
    url: 'docs/spec/smp.md',
    anchors: 'github-md',
  },
  'zephyr-smp-protocol': zephyrDoc('Zephyr SMP protocol specification', '06758ff2', `${ZEPHYR_DOC}/smp_protocol.rst`),
  'zephyr-smp-transport': zephyrDoc('Zephyr SMP transport specification', '4546391b', `${ZEPHYR_DOC}/smp_transport.rst`),
  'zephyr-smp-error-v2': zephyrSource('Zephyr SMP v2 error CDDL', '06758ff2', `${ZEPHYR_DOC}/smp_error_version_2.cddl`),
  'zephyr-smp-g0': group(0, 'OS management', 'b3750924'),
  'zephyr-smp-g1': group(1, 'application/software image management', '044a759a'),
  'zephyr-smp-g2': group(2, 'statistics management', '1cde741f'),
  'zephyr-smp-g3': group(3, 'settings (config) management', '307f6f13'),
  'zephyr-smp-g8': group(8, 'file management', '559f71ec'),
  'zephyr-smp-g9': group(9, 'shell management', '1714a888'),
  'zephyr-smp-g10': group(10, 'enumeration management', 'a27ef2b3'),
  'zephyr-smp-g11': group(11, 'transport management', '714b299f'),
  'zephyr-smp-g63': group(63, 'Zephyr basic management', '72120355'),
  'zephyr-mgmt-defines': zephyrSource('Zephyr mgmt_defines.h', '06758ff2', 'include/zephyr/mgmt/mcumgr/mgmt/mgmt_defines.h'),
  'zephyr-smp-c': zephyrSource('Zephyr SMP dispatcher (smp.c)', '8697c2e8', `${MCUMGR_SRC}/smp/src/smp.c`),
  'zephyr-os-mgmt-c': zephyrSource('Zephyr OS management (os_mgmt.c)', 'b2d53f60', `${MCUMGR_SRC}/grp/os_mgmt/src/os_mgmt.c`),
  'zephyr-img-mgmt-c': zephyrSource('Zephyr image management (img_mgmt.c)', 'v4.0.0', `${MCUMGR_SRC}/grp/img_mgmt/src/img_mgmt.c`),
  'zephyr-serial-util-c': zephyrSource('Zephyr SMP serial framing (serial_util.c)', '816ad1f2', `${MCUMGR_SRC}/transport/src/serial_util.c`),
  'zephyr-smp-udp-c': zephyrSource('Zephyr SMP UDP transport (smp_udp.c)', '816ad1f2', `${MCUMGR_SRC}/transport/src/smp_udp.c`),
  'zephyr-footprint-tools': zephyrDoc('Zephyr optimization tools (rom_report, ram_report)', 'v4.0.0', 'doc/develop/optimizations/tools.rst'),
  'zephyr-img-mgmt-h': header('img'),
  'zephyr-fs-mgmt-h': header('fs'),
  'zephyr-os-mgmt-h': header('os'),
  'zephyr-stat-mgmt-h': header('stat'),
  'zephyr-settings-mgmt-h': header('settings'),
  'zephyr-shell-mgmt-h': header('shell'),
  'zephyr-enum-mgmt-h': header('enum'),
  'mcuboot-design': {
    title: 'MCUboot design',
    revision: '2d4bacc3c15ebb6f91c28807fe6eb38b4ba98f77',
    url: 'https://github.com/mcu-tools/mcuboot/blob/2d4bacc3c15ebb6f91c28807fe6eb38b4ba98f77/docs/design.md',
    anchors: 'github-md',
  },
  'lwm2m-digest': {
    title: 'mgmt-conformance LwM2M/CoAP protocol digest',
    revision: 'docs/spec/lwm2m.md in this repository',
    url: 'docs/spec/lwm2m.md',
    anchors: 'github-md',
  },
  'oma-ets-lwm2m-1.1': {
    title: 'OMA Enabler Test Specification (Interoperability) for LwM2M 1.1',
    revision: 'OMA-ETS-LightweightM2M_INT-V1_1-20190912-D',
    url: 'https://www.openmobilealliance.org/release/LightweightM2M/ETS/OMA-ETS-LightweightM2M_INT-V1_1-20190912-D.pdf',
    anchors: 'none',
  },
  'rfc7641': { title: 'RFC 7641 Observing resources in CoAP', revision: 'RFC', url: 'https://www.rfc-editor.org/rfc/rfc7641', anchors: 'none' },
  'rfc6690': { title: 'RFC 6690 CoRE Link Format', revision: 'RFC', url: 'https://www.rfc-editor.org/rfc/rfc6690', anchors: 'none' },
  'rfc8132': { title: 'RFC 8132 PATCH and FETCH for CoAP', revision: 'RFC', url: 'https://www.rfc-editor.org/rfc/rfc8132', anchors: 'none' },
  'rfc8949': { title: 'RFC 8949 CBOR', revision: 'RFC', url: 'https://www.rfc-editor.org/rfc/rfc8949', anchors: 'none' },
  'rfc7252': { title: 'RFC 7252 CoAP', revision: 'RFC', url: 'https://www.rfc-editor.org/rfc/rfc7252', anchors: 'none' },
  'rfc7959': { title: 'RFC 7959 CoAP block-wise', revision: 'RFC', url: 'https://www.rfc-editor.org/rfc/rfc7959', anchors: 'none' },
  'oma-lwm2m-core-1.1.1': {
    title: 'OMA LwM2M Core 1.1.1',
    revision: 'V1_1_1-20190617-A',
    url: 'https://www.openmobilealliance.org/release/LightweightM2M/V1_1_1-20190617-A/OMA-TS-LightweightM2M_Core-V1_1_1-20190617-A.pdf',
    anchors: 'none',
  },
  'oma-lwm2m-ts-1.0': {
    title: 'OMA Lightweight M2M Technical Specification 1.0',
    revision: 'V1_0-20170208-A',
    url: 'https://www.openmobilealliance.org/release/LightweightM2M/V1_0-20170208-A/OMA-TS-LightweightM2M-V1_0-20170208-A.pdf',
    anchors: 'none',
  },
  'oma-lwm2m-obj-server-1.1': {
    title: 'OMA LwM2M Server object (1), version 1.1',
    revision: 'LWM2M_Server-v1_1',
    url: 'https://www.openmobilealliance.org/tech/profiles/LWM2M_Server-v1_1.xml',
    anchors: 'none',
  },
  'oma-lwm2m-transport-1.1.1': {
    title: 'OMA LwM2M Transport 1.1.1',
    revision: 'V1_1_1-20190617-A',
    url: 'https://www.openmobilealliance.org/release/LightweightM2M/V1_1_1-20190617-A/OMA-TS-LightweightM2M_Transport-V1_1_1-20190617-A.pdf',
    anchors: 'none',
  },
} as const satisfies Record<string, SpecDoc>;

/** A key of the pinned registry. */
export type SpecDocKey = keyof typeof SPEC_DOCS;

/** True when `doc` is a registry key. */
export function isSpecDocKey(doc: string): doc is SpecDocKey {
  return Object.hasOwn(SPEC_DOCS, doc);
}

/** The anchor a heading gets in a rendered document (docutils ids or GitHub markdown slugs). */
export function sectionAnchor(section: string, style: AnchorStyle): string {
  if (style === 'none') return '';
  const lower = section.trim().toLowerCase();
  if (style === 'github-md') return lower.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
  return lower.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The URL of a section of a registered document; `undefined` for an unknown key. */
export function specUrl(doc: string, section: string): string | undefined {
  if (!isSpecDocKey(doc)) return undefined;
  const d: SpecDoc = SPEC_DOCS[doc];
  const anchor = sectionAnchor(section, d.anchors);
  return anchor ? `${d.url}#${anchor}` : d.url;
}
