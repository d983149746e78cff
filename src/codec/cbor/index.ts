/** Public surface of the CBOR codecs: cbor-x wrapper, strict tree decoder, wire findings, annotation, writer. */
export * from './cbor.ts';
export * from './tree.ts';
export { annotateCbor } from './annotate.ts';
export { cborDiagnostic } from './diagnostic.ts';
export * from './findings.ts';
export { readCborHead, decodeFloat16, type CborHead } from './head.ts';
export * from './writer.ts';
