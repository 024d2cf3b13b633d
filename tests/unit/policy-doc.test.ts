import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	MATRIX_SECTION,
	ROLE_CHANGES_SECTION,
	VIEW_ROOTS_SECTION,
	generatedSection,
	tableCells
} from '../../scripts/policy-table';

const document = readFileSync(new URL('../../docs/policy.md', import.meta.url), 'utf8');

describe('docs/policy.md', () => {
	it('shows exactly the permission matrix the engine enforces', () => {
		const section = generatedSection(document, MATRIX_SECTION);
		expect(section, 'docs/policy.md lost its generated matrix section').not.toBeNull();
		expect(tableCells(section!), 'run `npm run docs:policy` after changing the matrix').toEqual(
			tableCells(MATRIX_SECTION.render())
		);
		expect(tableCells(section!)).toHaveLength(19);
	});

	it('shows exactly the rules the engine applies to each root of a data view document', () => {
		const section = generatedSection(document, VIEW_ROOTS_SECTION);
		expect(section, 'docs/policy.md lost its generated roots section').not.toBeNull();
		expect(tableCells(section!), 'run `npm run docs:policy` after changing the rules').toEqual(
			tableCells(VIEW_ROOTS_SECTION.render())
		);
		expect(tableCells(section!)).toContainEqual([
			'`subscriptions`',
			'Create Subscriptions for Boards',
			'Edit Subscriptions for Boards',
			'its creator or a Project Admin ¹'
		]);
	});

	it('shows exactly what the preview of a change says each change of role gives and takes', () => {
		const section = generatedSection(document, ROLE_CHANGES_SECTION);
		expect(section, 'docs/policy.md lost its generated role changes section').not.toBeNull();
		expect(tableCells(section!), 'run `npm run docs:policy` after changing the matrix').toEqual(
			tableCells(ROLE_CHANGES_SECTION.render())
		);
		expect(tableCells(section!)).toHaveLength(7);
	});
});
