/**
 * The SQL membership index reads member entries as the schema does: a role synonym is indexed as
 * the role it stands for, and an entry the schema cannot read grants nothing, and never stops the
 * index (the table's CHECK would refuse a raw `messenger`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EntryChange } from '../../src/lib/shared';
import type { Db } from '../../server/db/database';
import { openConsoleDatabase } from '../../server/schema';
import type { LiveDocument } from '../../server/sync/live-document';
import {
	indexMembershipsOnChange,
	reindexMembershipsOnLoad
} from '../../server/consortium/membership-index';
import { member } from '../support/policy-fixtures';

const now = () => 1;
let db: Db;

function projectDocument(members: Record<string, unknown>): LiveDocument {
	const roots = new Map([['members', new Map(Object.entries(members))]]);
	return {
		address: { kind: 'project', projectId: 'p1' },
		root: (name: string) => roots.get(name)
	} as unknown as LiveDocument;
}

const rows = () =>
	db
		.prepare('SELECT account_id, role, scope FROM memberships WHERE project_id = ? ORDER BY 1')
		.all('p1');

afterEach(() => db.close());

describe('the membership index', () => {
	it('indexes the synonym Messenger as Consumer, on a change and on load', () => {
		db = openConsoleDatabase(':memory:');
		const cy = { ...member('cy', 'consumer', 'nz'), role: 'messenger' };
		const change: EntryChange = { root: 'members', key: 'cy', before: undefined, after: cy };
		indexMembershipsOnChange(db, now)(projectDocument({ cy }), null, [change], null);
		expect(rows()).toEqual([{ account_id: 'cy', role: 'consumer', scope: '"all"' }]);

		db.prepare('DELETE FROM memberships').run();
		reindexMembershipsOnLoad(db, now)(projectDocument({ cy, ada: member('ada', 'admin', 'nz') }));
		expect(rows()).toEqual([
			{ account_id: 'ada', role: 'admin', scope: '"all"' },
			{ account_id: 'cy', role: 'consumer', scope: '"all"' }
		]);
	});

	it('keeps no row for an entry the schema cannot read, and goes on with the others', () => {
		db = openConsoleDatabase(':memory:');
		const nia = member('nia', 'analyst', 'nz');
		const broken = { ...member('cy', 'consumer', 'nz'), role: 'owner' };
		const index = indexMembershipsOnChange(db, now);
		index(
			projectDocument({}),
			null,
			[{ root: 'members', key: 'cy', before: undefined, after: member('cy', 'consumer', 'nz') }],
			null
		);
		index(
			projectDocument({}),
			null,
			[
				{ root: 'members', key: 'cy', before: member('cy', 'consumer', 'nz'), after: broken },
				{ root: 'members', key: 'nia', before: undefined, after: nia }
			],
			null
		);
		expect(rows()).toEqual([{ account_id: 'nia', role: 'analyst', scope: '"all"' }]);

		reindexMembershipsOnLoad(db, now)(projectDocument({ cy: broken, nia }));
		expect(rows()).toEqual([{ account_id: 'nia', role: 'analyst', scope: '"all"' }]);
	});
});
