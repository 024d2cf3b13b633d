/**
 * The schema, as an ordered list of migrations. Never edit one that has shipped: append a new one.
 * A database's `user_version` is the number of migrations it has applied.
 */
export const MIGRATIONS: readonly string[] = [
	/* 1: consortia, zones and projects: the configuration a consortium office sets up. */ `
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
	);
	`
];
