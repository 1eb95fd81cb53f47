#!/usr/bin/env node
// Regenerates the generated parts of docs/ from the code (run `npm run build` first, or `npm run docs`).
import { readFile, writeFile } from 'node:fs/promises';
import { CORE_OPTIONS } from '../dist/common/options.js';
import { renderOptionsTable } from '../dist/common/options-doc.js';

const path = new URL('../docs/configuration.md', import.meta.url);
const doc = await readFile(path, 'utf8');
const start = '<!-- options:start -->';
const end = '<!-- options:end -->';
const next = `${doc.slice(0, doc.indexOf(start) + start.length)}\n${renderOptionsTable(CORE_OPTIONS)}\n${doc.slice(doc.indexOf(end))}`;
await writeFile(path, next);
console.log('docs/configuration.md updated');
