import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	CELL_LABELS,
	PERMISSION_MATRIX,
	ROLES,
	checkPermission,
	type Cell,
	type Role
} from '../../src/lib/shared';

/** The seed's table, as the user wrote it: label -> [Admin, Analyst, Consumer]. */
function readSeedTable(): Map<string, string[]> {
	const text = readFileSync(
		new URL('../fixtures/seed-permission-table.txt', import.meta.url),
		'utf8'
	);
	const rows = text
		.split('\n')
		.filter(
			(line) =>
				line.startsWith('|') && !line.startsWith('|---') && !line.startsWith('| Project Role')
		)
		.map((line) =>
			line
				.split('|')
				.slice(1, -1)
				.map((cell) => cell.trim())
		);
	return new Map(rows.map(([label, ...cells]) => [label!, cells]));
}

const SEED_CELLS: Record<string, Cell> = {
	Yes: 'yes',
	No: 'no',
	'Only the creator.': 'creator',
	'For self only.': 'self'
};

const cells = PERMISSION_MATRIX.flatMap((row) =>
	ROLES.map((role) => ({ row, role, cell: row.cells[role] as Cell }))
);

describe('the permission matrix', () => {
	it('has the 18 rows of the seed, in its order, with its cells', () => {
		const seed = readSeedTable();
		expect(PERMISSION_MATRIX.map((row) => row.label)).toEqual([...seed.keys()]);
		for (const row of PERMISSION_MATRIX) {
			expect(
				ROLES.map((role) => row.cells[role]),
				row.label
			).toEqual(seed.get(row.label)!.map((text) => SEED_CELLS[text]));
		}
	});

	it('covers 54 cells', () => {
		expect(cells).toHaveLength(54);
	});

	describe.each(cells)('$row.label for $role ($cell)', ({ row, role, cell }) => {
		const shared = { placement: 'shared' as const, createdBy: 'someone-else' };

		it('decides a shared object by someone else as the seed says', () => {
			const decision = checkPermission({ role, action: row.action, actorId: 'me', target: shared });
			const expected = {
				yes: { ok: true },
				no: {
					ok: false,
					code: Object.values(row.cells).every((c) => c === 'no')
						? 'not-available'
						: 'role-not-permitted'
				},
				creator: { ok: false, code: 'creator-only' },
				self: { ok: false, code: 'self-only' }
			}[cell];
			expect(decision).toMatchObject(expected);
			if (!decision.ok) expect(decision.message.length).toBeGreaterThan(10);
		});

		it('decides the actor’s own object as the seed says', () => {
			const own = {
				placement: cell === 'self' ? ('private' as const) : ('shared' as const),
				createdBy: 'me'
			};
			const decision = checkPermission({ role, action: row.action, actorId: 'me', target: own });
			expect(decision.ok).toBe(cell !== 'no');
		});
	});

	it('names the role and the action when it refuses', () => {
		expect(
			checkPermission({ role: 'analyst', action: 'userProfile.delete', actorId: 'me' })
		).toEqual({
			ok: false,
			code: 'role-not-permitted',
			message: 'Analysts cannot delete user profiles.'
		});
		expect(
			checkPermission({ role: 'admin', action: 'lexicon.mergeData', actorId: 'me' })
		).toMatchObject({
			code: 'not-available',
			message: 'No role can merge data in Lexicon.'
		});
	});

	it('accepts Messenger as another name for Consumer', () => {
		for (const row of PERMISSION_MATRIX) {
			const asMessenger = checkPermission({ role: 'messenger', action: row.action, actorId: 'me' });
			const asConsumer = checkPermission({ role: 'consumer', action: row.action, actorId: 'me' });
			expect(asMessenger).toEqual(asConsumer);
		}
	});

	it('denies bad input with a reason instead of crashing or allowing', () => {
		expect(checkPermission({ role: 'owner', action: 'board.createView' })).toMatchObject({
			ok: false,
			code: 'unknown-role'
		});
		expect(checkPermission({ role: undefined, action: 'board.createView' })).toMatchObject({
			code: 'unknown-role'
		});
		expect(checkPermission({ role: 'admin', action: 'board.destroy' })).toMatchObject({
			code: 'unknown-action'
		});
		expect(checkPermission({ role: 'admin', action: 42 })).toMatchObject({
			code: 'unknown-action'
		});
		expect(checkPermission({ role: 'admin', action: '__proto__' })).toMatchObject({
			code: 'unknown-action'
		});
		expect(
			checkPermission({
				role: 'admin',
				action: 'board.createView',
				target: { placement: 'everywhere' } as never
			})
		).toMatchObject({ code: 'invalid-entry' });
	});

	it('labels cells with the seed’s words', () => {
		const roles: Role[] = ['admin', 'analyst', 'consumer'];
		const row = PERMISSION_MATRIX.find((entry) => entry.action === 'subscription.edit')!;
		expect(roles.map((role) => CELL_LABELS[row.cells[role]])).toEqual([
			'Only the creator.',
			'Only the creator.',
			'Only the creator.'
		]);
	});
});
