/**
 * Public names of the CoAP codec: messages, codes, the option registry, option values (uint,
 * string, Block, Observe), Uri helpers, malformed-message builders, trace descriptions and
 * fast-check arbitraries.
 * @see docs/spec/lwm2m.md §1
 */
export * from './message.ts';
export * from './codes.ts';
export * from './options.ts';
export * from './values.ts';
export * from './access.ts';
export * from './content-format.ts';
export * from './unchecked.ts';
export * from './describe.ts';
export * from './arbitraries.ts';
