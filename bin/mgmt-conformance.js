#!/usr/bin/env node
// Entry point: run the TypeScript sources (no build step). A small load hook type-strips each
// source once and caches the JavaScript (bin/ts-load-hooks.mjs), which starts faster than a full
// TypeScript loader. The cached modules carry inline source maps; Node reads them only with
// `--enable-source-maps` (e.g. NODE_OPTIONS=--enable-source-maps), since parsing every module's
// map at start-up would cost more than the rest of loading a command.
import { register } from 'node:module';

register('./ts-load-hooks.mjs', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
