/**
 * What the membership rules need to know about a project, as a small read-only interface. The
 * server answers it from indexes it keeps over the live document (every method O(1)), the UI and
 * the tests from plain snapshots.
 */
import type { Zone } from '../consortium';
import type { Member } from '../membership';
import type { DataView, ProjectInfo } from '../project';

export interface ProjectFacts {
	readonly project: ProjectInfo;
	zone(zoneId: string): Zone | undefined;
	view(viewId: string): DataView | undefined;
	/** The data view of an Institution Zone in network-zone management. */
	viewOfZone(zoneId: string): DataView | undefined;
	member(accountId: string): Member | undefined;
	memberByEmail(email: string): Member | undefined;
	adminCount(): number;
	/**
	 * The time the rules judge by (an end date must be in the future): on the server its clock,
	 * which is the one that counts; in the console the reader's, which only explains.
	 */
	now(): number;
}

export interface ProjectSnapshot {
	project: ProjectInfo;
	zones: Iterable<Zone>;
	views: Iterable<DataView>;
	members: Iterable<Member>;
	/** The time to judge by. @default Date.now() at each question */
	now?: number;
}

/** Facts over a snapshot; fine for the UI and tests, where a project is read once per render. */
export function factsFromSnapshot(snapshot: ProjectSnapshot): ProjectFacts {
	const zones = new Map([...snapshot.zones].map((zone) => [zone.id, zone]));
	const views = new Map([...snapshot.views].map((view) => [view.id, view]));
	const members = new Map([...snapshot.members].map((member) => [member.accountId, member]));
	const byEmail = new Map([...members.values()].map((member) => [member.email, member]));
	const viewsByZone = new Map(
		[...views.values()]
			.filter((view) => view.kind === 'institution')
			.map((view) => [view.zoneId, view])
	);
	const admins = [...members.values()].filter((member) => member.role === 'admin').length;
	return {
		project: snapshot.project,
		zone: (id) => zones.get(id),
		view: (id) => views.get(id),
		viewOfZone: (id) => viewsByZone.get(id),
		member: (id) => members.get(id),
		memberByEmail: (email) => byEmail.get(email.toLowerCase()),
		adminCount: () => admins,
		now: () => snapshot.now ?? Date.now()
	};
}
