/**
 * Public names of the SMP codec: constants, header, packets, typed commands of every group,
 * group errors, malformed-frame builders, fast-check arbitraries and the serial framing.
 * @see docs/spec/smp.md
 */
export * from './constants.ts';
export * from './header.ts';
export * from './message.ts';
export * from './command.ts';
export * from './groups/index.ts';
export * from './group-errors.ts';
export * from './unchecked.ts';
export * from './arbitraries.ts';
export * from './serial-framing.ts';
export * from './crc16.ts';
export * from './crc32.ts';
export * from './response-arbitraries.ts';
export * from './serial-framing-unchecked.ts';
export * from './serial-framing-arbitraries.ts';
