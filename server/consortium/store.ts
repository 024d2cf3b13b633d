/**
 * Consortia, their zones and their projects, as the consortium office sets them up (SQL). The
 * project documents carry a copy of what their rules need (the project record, zones, data views).
 */
import {
	ConsortiumSchema,
	newId,
	type Consortium,
	type ManagementMode,
	type Zone
} from '../../src/lib/shared';
import type { Db } from '../db/database';

export interface ProjectRecord {
	id: string;
	consortiumId: string;
	ownerZoneId: string;
	name: string;
}

export interface NewConsortium {
	name: string;
	mode: ManagementMode;
	zones: Array<Pick<Zone, 'kind' | 'name'> & { id?: string; emailDomains?: string[] }>;
}

export function createConsortium(db: Db, input: NewConsortium & { id?: string }): Consortium {
	const id = input.id ?? newId();
	const consortium = ConsortiumSchema.parse({
		id,
		name: input.name,
		mode: input.mode,
		zones: input.zones.map((zone) => ({
			...zone,
			id: zone.id ?? newId(),
			consortiumId: id,
			emailDomains: zone.emailDomains ?? []
		}))
	});
	const insertZone = db.prepare(
		'INSERT INTO zones (id, consortium_id, kind, name, email_domains) VALUES (?, ?, ?, ?, ?)'
	);
	db.transaction(() => {
		db.prepare('INSERT INTO consortia (id, name, mode, created_at) VALUES (?, ?, ?, ?)').run(
			id,
			consortium.name,
			consortium.mode,
			Date.now()
		);
		for (const zone of consortium.zones)
			insertZone.run(zone.id, id, zone.kind, zone.name, JSON.stringify(zone.emailDomains));
	})();
	return consortium;
}

interface ZoneRow {
	id: string;
	consortium_id: string;
	kind: 'network' | 'institution';
	name: string;
	email_domains: string;
}

export function findConsortium(db: Db, consortiumId: string): Consortium | null {
	const row = db.prepare('SELECT id, name, mode FROM consortia WHERE id = ?').get(consortiumId) as
		{ id: string; name: string; mode: ManagementMode } | undefined;
	if (!row) return null;
	const zones = (
		db
			.prepare('SELECT * FROM zones WHERE consortium_id = ? ORDER BY kind DESC, name')
			.all(consortiumId) as ZoneRow[]
	).map((zone): Zone => ({
		id: zone.id,
		consortiumId: zone.consortium_id,
		kind: zone.kind,
		name: zone.name,
		emailDomains: JSON.parse(zone.email_domains) as string[]
	}));
	return { ...row, zones };
}

export function listConsortia(db: Db): Array<{ id: string; name: string; mode: ManagementMode }> {
	return db.prepare('SELECT id, name, mode FROM consortia ORDER BY created_at').all() as Array<{
		id: string;
		name: string;
		mode: ManagementMode;
	}>;
}

export function insertProjectRecord(db: Db, project: ProjectRecord): void {
	db.prepare(
		'INSERT INTO projects (id, consortium_id, owner_zone_id, name, created_at) VALUES (?, ?, ?, ?, ?)'
	).run(project.id, project.consortiumId, project.ownerZoneId, project.name, Date.now());
}

export function findProjectRecord(db: Db, projectId: string): ProjectRecord | null {
	const row = db
		.prepare(
			'SELECT id, consortium_id AS consortiumId, owner_zone_id AS ownerZoneId, name FROM projects WHERE id = ?'
		)
		.get(projectId) as ProjectRecord | undefined;
	return row ?? null;
}

export function listProjectRecords(db: Db, consortiumId: string): ProjectRecord[] {
	return db
		.prepare(
			'SELECT id, consortium_id AS consortiumId, owner_zone_id AS ownerZoneId, name FROM projects WHERE consortium_id = ? ORDER BY name'
		)
		.all(consortiumId) as ProjectRecord[];
}

/** The consortium a zone belongs to, with the zone; null when there is no such zone. */
export function findZone(db: Db, zoneId: string): { consortium: Consortium; zone: Zone } | null {
	const consortiumId = db
		.prepare('SELECT consortium_id FROM zones WHERE id = ?')
		.pluck()
		.get(zoneId) as string | undefined;
	const consortium = consortiumId === undefined ? null : findConsortium(db, consortiumId);
	const zone = consortium?.zones.find((candidate) => candidate.id === zoneId);
	return consortium && zone ? { consortium, zone } : null;
}
