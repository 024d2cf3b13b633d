/**
 * The consortium's tables: consortia, their zones and projects (facts of their own), and two SQL
 * indexes kept in step with the project documents by registry extensions, so that questions across
 * projects ("which consortia is this person a Network Zone user of") never load documents:
 * memberships, and the people of each zone.
 */
import type { Migration } from '../db/database';

export const CONSORTIUM_MIGRATIONS: Migration[] = [
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
	},
	{
		id: 'workflow-001-memberships-and-zone-people',
		sql: `
		-- One row per member entry of each project document.
		CREATE TABLE memberships (
			project_id TEXT NOT NULL,
			account_id TEXT NOT NULL,
			role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'consumer')),
			zone_id TEXT NOT NULL,
			-- The member's data-view scope as JSON: "all" or a list of view ids.
			scope TEXT NOT NULL,
			PRIMARY KEY (project_id, account_id)
		) STRICT, WITHOUT ROWID;
		CREATE INDEX memberships_by_account ON memberships(account_id);
		-- Who belongs to a zone: members of a project with that zone as their home zone, and people
		-- the consortium office added. A home zone is a fact about the person, so it stays when
		-- they leave a project.
		CREATE TABLE zone_people (
			zone_id TEXT NOT NULL,
			account_id TEXT NOT NULL,
			source TEXT NOT NULL CHECK (source IN ('membership', 'office')),
			added_at INTEGER NOT NULL,
			PRIMARY KEY (zone_id, account_id)
		) STRICT, WITHOUT ROWID;
		CREATE INDEX zone_people_by_account ON zone_people(account_id);`
	}
];
