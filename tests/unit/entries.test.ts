/**
 * The canonical form of an entry (`readEntry`): what the server may store of what a client wrote.
 * A synonym is stored as what it means; an unknown field anywhere is refused, by name.
 */
import { describe, expect, it } from 'vitest';
import {
	entryNoun,
	readEntry,
	readKnownFields,
	readStoredEntry,
	MemberSchema
} from '../../src/lib/shared';
import { BOARD, EVERY_ROOT, VALID_ENTRIES } from '../support/entry-fixtures';

const nia = VALID_ENTRIES.project.members!.value;

describe('readEntry', () => {
	it.each(
		EVERY_ROOT.map(({ kind, root, entry }) => [`${kind} ${root}`, kind, root, entry] as const)
	)(
		'accepts an entry of %s as the server and the console write it, unchanged',
		(_name, kind, root, { key, value }) => {
			expect(readEntry(kind, root, key, value)).toEqual({ ok: true, value });
		}
	);

	it('stores the synonym Messenger as Consumer', () => {
		expect(readEntry('project', 'members', 'nia', { ...nia, role: 'messenger' })).toEqual({
			ok: true,
			value: { ...nia, role: 'consumer' }
		});
	});

	it('lower-cases an address, as every address is stored', () => {
		const reading = readEntry('project', 'members', 'nia', {
			...nia,
			email: 'Nia@Office.Example.org'
		});
		expect(reading).toMatchObject({ ok: true, value: { email: 'nia@office.example.org' } });
	});

	it.each(
		EVERY_ROOT.map(({ kind, root, entry }) => [`${kind} ${root}`, kind, root, entry] as const)
	)(
		'refuses an unknown field in an entry of %s, naming it',
		(_name, kind, root, { key, value }) => {
			expect(readEntry(kind, root, key, { ...value, note: 'carried along' })).toEqual({
				ok: false,
				code: 'invalid-entry',
				message: `Unknown field "note" in a ${entryNoun(root)}.`
			});
		}
	);

	it('refuses an unknown field in a nested object, with its path', () => {
		const board = { ...BOARD, reports: [{ ...BOARD.reports[0]!, script: 'x' }] };
		expect(readEntry('view', 'boards', 'b1', board)).toMatchObject({
			ok: false,
			code: 'invalid-entry',
			message: 'Unknown field "reports.0.script" in a board.'
		});
	});

	it('refuses a field named like a property of every object', () => {
		const entry = JSON.parse(JSON.stringify(nia).replace('{', '{"__proto__":{"role":"admin"},'));
		expect(readEntry('project', 'members', 'nia', entry)).toMatchObject({
			ok: false,
			code: 'invalid-entry',
			message: 'Unknown field "__proto__" in a membership.'
		});
		expect(readEntry('project', 'members', 'nia', { ...nia, constructor: 'x' })).toMatchObject({
			ok: false,
			message: 'Unknown field "constructor" in a membership.'
		});
	});

	it('refuses an entry stored under another key than its own', () => {
		expect(readEntry('project', 'members', 'bo', nia)).toMatchObject({
			ok: false,
			code: 'key-mismatch',
			message: 'A membership is stored under its accountId.'
		});
	});

	it('refuses a root the document does not have, whatever its name', () => {
		for (const root of ['nope', '__proto__', 'constructor', 'toString'])
			expect(readEntry('project', root, 'k', nia)).toMatchObject({
				ok: false,
				code: 'server-only',
				message: `"${root}" is not part of this document.`
			});
	});

	it('refuses what is not a value of the schema: NaN, a bigint, a list', () => {
		expect(readEntry('project', 'members', 'nia', { ...nia, joinedAt: Number.NaN })).toMatchObject({
			ok: false,
			code: 'invalid-entry',
			message: expect.stringContaining('(joinedAt)')
		});
		expect(readEntry('project', 'members', 'nia', { ...nia, joinedAt: 1n })).toMatchObject({
			ok: false,
			code: 'invalid-entry'
		});
		expect(readEntry('project', 'members', 'nia', [nia])).toMatchObject({
			ok: false,
			code: 'invalid-entry'
		});
	});

	it('quotes at most a short part of a long field name', () => {
		const name = 'x'.repeat(10_000);
		const reading = readEntry('project', 'members', 'nia', { ...nia, [name]: 1 });
		expect(reading.ok).toBe(false);
		if (!reading.ok) expect(reading.message.length).toBeLessThan(200);
	});
});

describe('readStoredEntry', () => {
	it('reads what a stored entry says, leaving out fields the schema does not know', () => {
		expect(
			readStoredEntry('project', 'members', 'nia', { ...nia, role: 'messenger', note: 'old' })
		).toEqual({ ...nia, role: 'consumer' });
		const board = { ...BOARD, pinned: true, reports: [{ ...BOARD.reports[0]!, script: 'x' }] };
		expect(readStoredEntry('view', 'boards', 'b1', board)).toEqual(BOARD);
	});

	it('reads nothing of an entry that is malformed, or under another key', () => {
		expect(readStoredEntry('project', 'members', 'nia', { ...nia, role: 'owner', note: 1 })).toBe(
			undefined
		);
		expect(readStoredEntry('project', 'members', 'bo', nia)).toBe(undefined);
		expect(readStoredEntry('project', 'nope', 'nia', nia)).toBe(undefined);
	});

	it('leaves the stored value as it was', () => {
		const stored = { ...nia, note: 'old' };
		expect(readKnownFields(MemberSchema, stored).data).toEqual(nia);
		expect(stored).toEqual({ ...nia, note: 'old' });
	});
});
