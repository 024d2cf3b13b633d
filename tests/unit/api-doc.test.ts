import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENDPOINTS_SECTION } from '../../scripts/api-table';
import { generatedSection, tableCells } from '../../scripts/policy-table';
import { API } from '../../src/lib/shared/api-contract';

const document = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

describe('docs/api.md', () => {
	it('indexes exactly the routes of the API contract', () => {
		const section = generatedSection(document, ENDPOINTS_SECTION);
		expect(section, 'docs/api.md lost its generated endpoint index').not.toBeNull();
		const generated = ENDPOINTS_SECTION.render();
		expect(tableCells(section!), 'run `npm run docs:api` after changing the contract').toEqual(
			tableCells(generated)
		);
		expect(section!.split('\n').at(-1)).toBe(generated.split('\n').at(-1));
		expect(tableCells(section!)).toHaveLength(Object.keys(API).length + 1);
		expect(tableCells(section!)).toContainEqual([
			'`POST /api/auth/password`',
			'Signs in with an address and password.',
			'anyone',
			'`{ email, password }`',
			'`200` `{ account }`',
			'`invalid-credentials`, `rate-limited`, `identity-provider-required`'
		]);
	});
});
