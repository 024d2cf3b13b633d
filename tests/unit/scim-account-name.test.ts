/**
 * The account's name from what an identity provider sent (`accountNameOf`): the provider's
 * display name, else the formatted name, else given and family names, else the address's local
 * part, at most a name's 120 characters. Generative: any text a provider may send, in any script.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountNameOf, NameSchema, type ScimUserState } from '../../src/lib/shared';

const state = (displayName: string | null): ScimUserState => ({
	userName: 'ada@aurora.example.edu',
	externalId: null,
	name: { givenName: null, familyName: null, formatted: null },
	displayName,
	active: true
});

/** Text of up to 256 characters (a SCIM attribute's limit), astral ones among them. */
const TEXT = fc.oneof(
	fc.string({ unit: 'grapheme', minLength: 1, maxLength: 256 }),
	fc.string({ unit: 'binary', minLength: 100, maxLength: 256 })
);

describe('the account name a provider gives', () => {
	it('is a whole name: the display name’s first 120 characters, never cut inside one', () => {
		fc.assert(
			fc.property(TEXT, (text) => {
				const displayName = text.trim() || 'x';
				const name = accountNameOf(state(displayName));
				expect(name.isWellFormed()).toBe(true);
				expect(NameSchema.safeParse(name).success).toBe(true);
				expect(displayName.startsWith(name.trimEnd()) || name === 'ada@aurora.example.edu').toBe(
					true
				);
			}),
			{ numRuns: 300 }
		);
		const long = `${'a'.repeat(119)}😀 and more`;
		expect(accountNameOf(state(long))).toBe(`${'a'.repeat(119)}😀`);
	});
});
