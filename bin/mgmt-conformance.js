#!/usr/bin/env node
// Entry point: run the TypeScript sources (no build step). A small load hook type-strips each
// source once and caches the JavaScript (bin/ts-load-hooks.mjs), which starts faster than a full
// TypeScript loader; stack traces still name .ts lines through inline source maps.
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./ts-load-hooks.mjs', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
