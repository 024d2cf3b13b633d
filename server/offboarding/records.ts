/**
 * The record of each offboarding (SQL `offboardings`): begun when an apply starts changing
 * documents, with the keys of everything its plan does; a later apply of an unfinished one adds
 * its own keys; finished with the governance entry it wrote. A zone with a finished offboarding
 * has left the consortium.
 */
import type { Db } from '../db/database';

export interface OffboardingRecord {
	id: number;
	zoneId: string;
	startedBy: string;
	startedAt: number;
	items: string[];
	completedAt: number | null;
	eventId: string | null;
}

interface Row {
	id: number;
	zone_id: string;
	started_by: string;
	started_at: number;
	items: string;
	completed_at: number | null;
	event_id: string | null;
}

/** The offboarding of the zone that began and has not finished, if any. */
export function findUnfinishedOffboarding(db: Db, zoneId: string): OffboardingRecord | null {
	const row = db
		.prepare('SELECT * FROM offboardings WHERE zone_id = ? AND completed_at IS NULL')
		.get(zoneId) as Row | undefined;
	return row ? toRecord(row) : null;
}

/** The zone's last finished offboarding: when it left the consortium. */
export function findLastOffboarding(db: Db, zoneId: string): OffboardingRecord | null {
	const row = db
		.prepare(
			`SELECT * FROM offboardings WHERE zone_id = ? AND completed_at IS NOT NULL
			 ORDER BY completed_at DESC, id DESC LIMIT 1`
		)
		.get(zoneId) as Row | undefined;
	return row ? toRecord(row) : null;
}

/** Begins an offboarding, or adds this run's items to the unfinished one. */
export function beginOffboarding(
	db: Db,
	start: { consortiumId: string; zoneId: string; by: string; at: number; items: string[] }
): OffboardingRecord {
	return db.transaction(() => {
		const unfinished = findUnfinishedOffboarding(db, start.zoneId);
		if (unfinished) {
			const items = [...new Set([...unfinished.items, ...start.items])];
			db.prepare('UPDATE offboardings SET items = ? WHERE id = ?').run(
				JSON.stringify(items),
				unfinished.id
			);
			return { ...unfinished, items };
		}
		const { lastInsertRowid } = db
			.prepare(
				`INSERT INTO offboardings (consortium_id, zone_id, started_by, started_at, items)
				 VALUES (?, ?, ?, ?, ?)`
			)
			.run(start.consortiumId, start.zoneId, start.by, start.at, JSON.stringify(start.items));
		return {
			id: Number(lastInsertRowid),
			zoneId: start.zoneId,
			startedBy: start.by,
			startedAt: start.at,
			items: start.items,
			completedAt: null,
			eventId: null
		};
	})();
}

export function finishOffboarding(db: Db, id: number, at: number, eventId: string): void {
	db.prepare('UPDATE offboardings SET completed_at = ?, event_id = ? WHERE id = ?').run(
		at,
		eventId,
		id
	);
}

/** Per zone of the consortium: when it left (its last finished offboarding), and whether one is unfinished. */
export function offboardingStates(
	db: Db,
	consortiumId: string
): Map<string, { leftAt: number | null; unfinished: boolean }> {
	const rows = db
		.prepare(
			`SELECT zone_id AS zoneId, MAX(completed_at) AS leftAt,
			 MAX(completed_at IS NULL) AS unfinished
			 FROM offboardings WHERE consortium_id = ? GROUP BY zone_id`
		)
		.all(consortiumId) as Array<{ zoneId: string; leftAt: number | null; unfinished: number }>;
	return new Map(
		rows.map((row) => [row.zoneId, { leftAt: row.leftAt, unfinished: row.unfinished === 1 }])
	);
}

function toRecord(row: Row): OffboardingRecord {
	return {
		id: row.id,
		zoneId: row.zone_id,
		startedBy: row.started_by,
		startedAt: row.started_at,
		items: JSON.parse(row.items) as string[],
		completedAt: row.completed_at,
		eventId: row.event_id
	};
}
