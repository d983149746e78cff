/** Round-trip histograms per command. */
export { mergeTimings, RttHistograms, type CommandTiming } from './rtt-histograms.ts';
