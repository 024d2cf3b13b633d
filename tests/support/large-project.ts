/**
 * A project document large enough to load in many slices (`loadSliceBytes` set small), for the
 * tests of loading: Ada administers it, and the people given are members with accounts.
 */
import type { Member, Role } from '../../src/lib/shared';
import { createAccount, findAccountById } from '../../server/auth/accounts';
import { createProject, putMember } from '../../server/consortium/projects';
import { createConsortium } from '../../server/consortium/store';
import { eventually } from './eventually';
import type { TestServer } from './server';

export const LARGE = 'project/large';

/** A member of the large project without an account, as a spreadsheet import would add one. */
export function largeMember(accountId: string, role: Role = 'consumer'): Member {
	return {
		accountId,
		email: `${accountId}@large.example.org`,
		name: `Person ${accountId}`,
		role,
		zoneId: 'lz',
		scope: 'all',
		joinedAt: 1_700_000_000_000,
		updatedBy: 'ada',
		updatedAt: 1_700_000_000_000
	};
}

/**
 * `members` people (m0, m1, ...) and Ada, its admin, plus `people` (accounts created if missing),
 * compacted and out of memory (the registry's `unloadAfterMs` must be 0).
 */
export async function setUpLargeProject(
	server: Pick<TestServer, 'app'>,
	members: number,
	people: ReadonlyArray<{ accountId: string; role: Role }> = []
): Promise<void> {
	const { db, authDb, registry } = server.app;
	const consortium = createConsortium(db, {
		name: 'Large',
		mode: 'network-zone',
		zones: [{ id: 'lz', kind: 'network', name: 'Large office' }]
	});
	createProject(db, registry, consortium, { id: 'large', name: 'Large' });
	for (const { accountId, role } of [{ accountId: 'ada', role: 'admin' as const }, ...people]) {
		const email = `${accountId}@example.org`;
		const name = `Name of ${accountId}`;
		if (!findAccountById(authDb.db, accountId))
			createAccount(authDb, { id: accountId, email, name });
		putMember(db, registry, 'large', { accountId, email, name, role, zoneId: 'lz' });
	}
	registry.change(LARGE, (roots) => {
		for (let index = 0; index < members; index++)
			roots.members.set(`m${index}`, largeMember(`m${index}`));
	});
	await unloaded(server, LARGE);
}

export async function unloaded(server: Pick<TestServer, 'app'>, document: string): Promise<void> {
	await eventually(() => server.app.registry.get(document) === undefined, `${document} to unload`);
}
