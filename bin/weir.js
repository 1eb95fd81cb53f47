#!/usr/bin/env node
// The CLI runs from the compiled output (built by `npm ci` through the `prepare` script):
// plain JavaScript starts in tens of milliseconds, where a TypeScript loader would add hundreds.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
