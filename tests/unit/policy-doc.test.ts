import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedSection, renderMatrixTable, tableCells } from '../../scripts/policy-table';

describe('docs/policy.md', () => {
	it('shows exactly the permission matrix the engine enforces', () => {
		const document = readFileSync(new URL('../../docs/policy.md', import.meta.url), 'utf8');
		const section = generatedSection(document);
		expect(section, 'docs/policy.md lost its generated matrix section').not.toBeNull();
		expect(tableCells(section!), 'run `npm run docs:policy` after changing the matrix').toEqual(
			tableCells(renderMatrixTable())
		);
		expect(tableCells(section!)).toHaveLength(19);
	});
});
