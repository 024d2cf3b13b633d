/** `npm run docs:policy`: rewrites the matrix table of docs/policy.md from the policy engine. */
import { readFileSync, writeFileSync } from 'node:fs';
import { MATRIX_END, MATRIX_START, generatedSection, renderMatrixTable } from './policy-table';

const path = 'docs/policy.md';
const document = readFileSync(path, 'utf8');
if (generatedSection(document) === null)
	throw new Error(`${path} has no ${MATRIX_START} ... ${MATRIX_END} section`);
const start = document.indexOf(MATRIX_START) + MATRIX_START.length;
const end = document.indexOf(MATRIX_END);
writeFileSync(
	path,
	`${document.slice(0, start)}\n\n${renderMatrixTable()}\n\n${document.slice(end)}`
);
console.log(`${path}: matrix rewritten`);
