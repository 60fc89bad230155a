#!/usr/bin/env node
/**
 * Benchmarks entry point (`pnpm bench`). Placeholder: the hot-path benchmarks, with Mandate
 * and cedar-wasm side by side in one process, land with the hot-path issue (#3).
 */
console.log('mandate bench: no benchmarks yet; they land with the hot-path issue (#3). Nothing was measured.');
process.exit(0);
