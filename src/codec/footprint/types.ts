/**
 * Types of the footprint codec: memory size reports (Zephyr `rom.json` / `ram.json`, or an ELF
 * file read directly) reduced to a flat list of sized symbols with a source location.
 */

/** Which memory a report describes: flash (code, constants, data load image) or RAM. */
export type MemoryKind = 'rom' | 'ram';

/**
 * Where the size tool placed a symbol. `zephyr`: a file under ZEPHYR_BASE; `output`: a generated
 * file in the build directory; `workspace` / `external`: a file elsewhere (west modules,
 * toolchain); `no-paths`: a symbol without a source file; `hidden`: bytes the tool could not
 * give to any symbol (string literals, padding, alignment); `elf`: a symbol read from an ELF.
 */
export type SymbolOrigin = 'zephyr' | 'output' | 'workspace' | 'external' | 'no-paths' | 'hidden' | 'elf';

/** One sized symbol (or pseudo-symbol such as `(hidden)`). */
export interface FootprintSymbol {
  name: string;
  sizeBytes: number;
  origin: SymbolOrigin;
  /**
   * Source path, relative to ZEPHYR_BASE when the report names it (`subsys/mgmt/mcumgr/smp/src/smp.c`,
   * `../modules/zcbor/src/zcbor_decode.c`), else as the report gives it; empty when there is none.
   */
  path: string;
  /** Output section as the size tool names it (`text`, `rodata`, `bss`, `datas`, `.bss.foo`…). */
  section?: string;
  address?: number;
}

/** Something odd in a report that does not stop it from being used. */
export interface FootprintFinding {
  kind: 'children-sum' | 'total-mismatch' | 'children-exceed';
  /** JSON pointer to the node concerned. */
  pointer: string;
  message: string;
}

/** A size report reduced to its symbols. */
export interface FootprintReport {
  memory: MemoryKind;
  /** Total bytes the report claims (`total_size`, or the sum of classified ELF sections). */
  totalBytes: number;
  symbols: FootprintSymbol[];
  findings: FootprintFinding[];
  /** ZEPHYR_BASE as the report names it, when it does. */
  zephyrBase?: string;
  /** Where the report came from (file name), for messages. */
  source?: string;
}

/** Why a size report was refused. */
export interface SizeReportError {
  kind: 'json' | 'shape' | 'limit';
  /** JSON pointer to the offending value (empty for the document). */
  pointer: string;
  /** Character offset in the text, for JSON syntax errors. */
  offset?: number;
  message: string;
}
