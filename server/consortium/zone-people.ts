/**
 * Who belongs to which zone (SQL `zone_people`): a person belongs to a zone once they are a member
 * of any project with that zone as their home zone, or when the consortium office adds them
 * (`npm run admin -- add-zone-member`). This answers "which consortia is this person a Network
 * Zone user of" without opening any document.
 */
import type { Db } from '../db/database';

export type ZonePersonSource = 'membership' | 'office';

/** Records that the account belongs to the zone; a no-op when it already does. */
export function addZonePerson(
	db: Db,
	zoneId: string,
	accountId: string,
	source: ZonePersonSource,
	now: number
): void {
	db.prepare(
		`INSERT INTO zone_people (zone_id, account_id, source, added_at) VALUES (?, ?, ?, ?)
		 ON CONFLICT (zone_id, account_id) DO NOTHING`
	).run(zoneId, accountId, source, now);
}

/** The zones of the consortium that the account with this address belongs to. */
export function zonesOfPerson(db: Db, email: string, consortiumId: string): string[] {
	return zonesOfPeople(db)(email, consortiumId);
}

/**
 * `zonesOfPerson` with its statement prepared once, for a caller that asks about many addresses
 * (the policy's judge, once per invitation it judges; a CSV file of people).
 */
export function zonesOfPeople(db: Db): (email: string, consortiumId: string) => string[] {
	const query = db
		.prepare(
			`SELECT p.zone_id FROM zone_people p
			 JOIN zones z ON z.id = p.zone_id
			 JOIN accounts a ON a.id = p.account_id
			 WHERE a.email = ? AND z.consortium_id = ?
			 ORDER BY p.zone_id`
		)
		.pluck();
	return (email, consortiumId) => query.all(email.toLowerCase(), consortiumId) as string[];
}

/** The consortia whose Network Zone the account belongs to. */
export function networkZoneConsortiaOf(
	db: Db,
	accountId: string
): Array<{ consortiumId: string; zoneId: string }> {
	return db
		.prepare(
			`SELECT z.consortium_id AS consortiumId, z.id AS zoneId
			 FROM zone_people p JOIN zones z ON z.id = p.zone_id
			 WHERE p.account_id = ? AND z.kind = 'network'`
		)
		.all(accountId) as Array<{ consortiumId: string; zoneId: string }>;
}

/**
 * The zone the account asks from in a consortium: its Network Zone if the account belongs to it,
 * else one of its other zones there, else null. The policy then decides whether that zone may ask.
 */
export function requesterZoneIn(db: Db, accountId: string, consortiumId: string): string | null {
	const zone = db
		.prepare(
			`SELECT z.id FROM zone_people p JOIN zones z ON z.id = p.zone_id
			 WHERE p.account_id = ? AND z.consortium_id = ?
			 ORDER BY z.kind = 'network' DESC, z.id LIMIT 1`
		)
		.pluck()
		.get(accountId, consortiumId) as string | undefined;
	return zone ?? null;
}
