/**
 * The schema, as an ordered list of named migrations gathered from the modules that own the
 * tables. Never edit a migration that has shipped: add a new one at the end of its module's list.
 */
import { AUTH_MIGRATIONS } from '../auth/migrations';
import { EMBED_MIGRATIONS } from '../embed/migrations';
import { SYNC_MIGRATIONS } from '../sync/migrations';
import { WORKFLOW_MIGRATIONS } from '../workflows/migrations';

export interface Migration {
	/** Unique and stable: "<module>-<number>-<what>". */
	id: string;
	sql: string;
}

const CONSORTIUM_MIGRATIONS: Migration[] = [
	{
		id: 'consortium-001-consortia-zones-projects',
		sql: `
		CREATE TABLE consortia (
			id TEXT PRIMARY KEY,
			name TEXT NOT NULL,
			mode TEXT NOT NULL CHECK (mode IN ('network-zone', 'institution-zone')),
			created_at INTEGER NOT NULL
		);
		CREATE TABLE zones (
			id TEXT PRIMARY KEY,
			consortium_id TEXT NOT NULL REFERENCES consortia(id),
			kind TEXT NOT NULL CHECK (kind IN ('network', 'institution')),
			name TEXT NOT NULL,
			email_domains TEXT NOT NULL DEFAULT '[]'
		);
		CREATE UNIQUE INDEX zones_one_network ON zones(consortium_id) WHERE kind = 'network';
		CREATE TABLE projects (
			id TEXT PRIMARY KEY,
			consortium_id TEXT NOT NULL REFERENCES consortia(id),
			owner_zone_id TEXT NOT NULL REFERENCES zones(id),
			name TEXT NOT NULL,
			created_at INTEGER NOT NULL
		);`
	}
];

export const MIGRATIONS: readonly Migration[] = [
	...CONSORTIUM_MIGRATIONS,
	...AUTH_MIGRATIONS,
	...SYNC_MIGRATIONS,
	...WORKFLOW_MIGRATIONS,
	...EMBED_MIGRATIONS
];
