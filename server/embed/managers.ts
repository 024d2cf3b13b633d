/**
 * Who may register and revoke a consortium's portals: the facts `canRegisterPortal` and
 * `canRevokePortal` (src/lib/shared/embedding.ts) decide on, read from the project documents of
 * the consortium, where memberships live.
 */
import { projectDocument, type ConsortiumMembership } from '../../src/lib/shared';
import { listProjectRecords } from '../consortium/store';
import type { Db } from '../db/database';
import type { DocumentRegistry } from '../sync/registry';

/** The account's memberships in the consortium's projects, with the kind of zone of each. */
export function consortiumMemberships(
	db: Db,
	registry: DocumentRegistry,
	consortiumId: string,
	accountId: string
): ConsortiumMembership[] {
	const memberships: ConsortiumMembership[] = [];
	for (const record of listProjectRecords(db, consortiumId)) {
		const membership = registry.read(projectDocument(record.id), (document) => {
			const member = document.index?.member(accountId);
			const zone = member && document.index?.zone(member.zoneId);
			return member && zone
				? { projectId: record.id, projectName: record.name, role: member.role, zoneKind: zone.kind }
				: null;
		});
		if (membership) memberships.push(membership);
	}
	return memberships;
}

/** Whether the account is a member of the project now (tickets and exchanges ask). */
export function isProjectMember(
	registry: DocumentRegistry,
	projectId: string,
	accountId: string
): boolean {
	return (
		registry.read(
			projectDocument(projectId),
			(document) => document.index?.member(accountId) !== undefined
		) ?? false
	);
}
