/** `npm run docs:api`: rewrites the endpoint index of docs/api.md from the API contract. */
import { readFileSync, writeFileSync } from 'node:fs';
import { ENDPOINTS_SECTION } from './api-table';
import { generatedSection } from './policy-table';

const path = 'docs/api.md';
const section = ENDPOINTS_SECTION;
const document = readFileSync(path, 'utf8');
if (generatedSection(document, section) === null)
	throw new Error(`${path} has no ${section.start} ... ${section.end} section`);
const start = document.indexOf(section.start) + section.start.length;
const end = document.indexOf(section.end);
writeFileSync(path, `${document.slice(0, start)}\n\n${section.render()}\n\n${document.slice(end)}`);
console.log(`${path}: endpoint index rewritten`);
