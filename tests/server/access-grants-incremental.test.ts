/**
 * A member's access path (`access_grants`) is written after each change of their member entry from
 * the row and that change, not from their whole history (server/access/grants.ts): generatively,
 * whatever the sequence of adds, role and data-view changes and removals, by whichever authors,
 * every row equals what reading the whole history again says (`grantFromHistory`).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { projectDocument, type Member, type Role } from '../../src/lib/shared';
import { grantFromHistory } from '../../server/access/grant-derivation';
import { memberHistory } from '../../server/audit/history';
import { putMember } from '../../server/consortium/projects';
import { TestClock } from '../support/auth';
import type { TestServer } from '../support/server';
import { setUpProject, startSyncServer } from '../support/sync';

/** `FUZZ_RUNS=500 npx vitest run tests/server/access-grants-incremental.test.ts` for a longer run. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

const PEOPLE = ['nia', 'ned', 'ian'] as const;
const AUTHORS = [null, 'ada', 'bo'] as const;

let server: TestServer;
const clock = new TestClock();

beforeEach(async () => {
	server = await startSyncServer({ now: clock.now });
	setUpProject(server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' }
	]);
});

afterEach(async () => {
	await server.close();
});

type Step =
	| { kind: 'add'; person: string; role: Role }
	| { kind: 'role'; person: string; role: Role; author: string | null }
	| { kind: 'views'; person: string; all: boolean; author: string | null }
	| { kind: 'remove'; person: string; author: string | null };

const person = fc.constantFrom(...PEOPLE);
const role = fc.constantFrom<Role>('admin', 'analyst', 'consumer');
const author = fc.constantFrom(...AUTHORS);
const step: fc.Arbitrary<Step> = fc.oneof(
	fc.record({ kind: fc.constant('add' as const), person, role }),
	fc.record({ kind: fc.constant('role' as const), person, role, author }),
	fc.record({ kind: fc.constant('views' as const), person, all: fc.boolean(), author }),
	fc.record({ kind: fc.constant('remove' as const), person, author })
);

function take(next: Step): void {
	const { db, registry } = server.app;
	const name = projectDocument('p1');
	clock.advance(1000);
	if (next.kind === 'add') {
		putMember(db, registry, 'p1', {
			accountId: next.person,
			email: `${next.person}@example.org`,
			name: `Name of ${next.person}`,
			role: next.role,
			zoneId: 'nz'
		});
		return;
	}
	registry.change(
		name,
		(roots) => {
			const member = roots.members.get(next.person);
			if (!member) return;
			if (next.kind === 'remove') return void roots.members.delete(next.person);
			const views = [...roots.views.keys()];
			const changed: Member =
				next.kind === 'role'
					? { ...member, role: next.role }
					: { ...member, scope: next.all ? 'all' : views.slice(0, 1) };
			roots.members.set(next.person, changed);
		},
		next.author
	);
}

it('writes every member’s path as their whole history says, after any sequence of changes', async () => {
	const { db, registry } = server.app;
	const history = memberHistory(db);
	const rowOf = db.prepare(
		`SELECT path, granted_by AS grantedBy, asked_at AS askedAt, granted_at AS grantedAt,
		 role_set_by AS roleSetBy, role_set_at AS roleSetAt, views_set_by AS viewsSetBy,
		 views_set_at AS viewsSetAt
		 FROM access_grants WHERE project_id = 'p1' AND account_id = ?`
	);
	let rowsChecked = 0;
	await fc.assert(
		fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
			for (const next of steps) take(next);
			for (const accountId of PEOPLE) {
				const member = registry.read(projectDocument('p1'), (document) =>
					document.root('members').get(accountId)
				) as Member | undefined;
				const row = rowOf.get(accountId);
				if (!member) {
					expect(row).toBeUndefined();
					continue;
				}
				const whole = grantFromHistory(member, history.aboutAccount('p1', accountId), (address) =>
					history.invitationsOf('p1', address)
				);
				expect(row).toEqual(whole);
				rowsChecked += 1;
			}
		}),
		{ numRuns: RUNS, seed: SEED }
	);
	expect(rowsChecked).toBeGreaterThan(0);
});
