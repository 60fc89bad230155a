/**
 * @module cli
 * The `mandate` executable (built to `dist/cli.js` with a `#!/usr/bin/env node` banner).
 * Sets `process.exitCode` rather than calling `process.exit`, so buffered output to pipes
 * is flushed before the process ends.
 */
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2));
