/** `npm run docs:policy`: rewrites the generated tables of docs/policy.md from the policy engine. */
import { readFileSync, writeFileSync } from 'node:fs';
import { GENERATED_SECTIONS, generatedSection } from './policy-table';

const path = 'docs/policy.md';
let document = readFileSync(path, 'utf8');
for (const section of GENERATED_SECTIONS) {
	if (generatedSection(document, section) === null)
		throw new Error(`${path} has no ${section.start} ... ${section.end} section`);
	const start = document.indexOf(section.start) + section.start.length;
	const end = document.indexOf(section.end);
	document = `${document.slice(0, start)}\n\n${section.render()}\n\n${document.slice(end)}`;
}
writeFileSync(path, document);
console.log(`${path}: generated tables rewritten`);
