/**
 * The project directory of a Network Zone user: for each consortium in institution-zone
 * management whose Network Zone they belong to, its projects, with only what a requester needs:
 * names, their own role there (if any) and their own requests waiting for a decision. Read from SQL
 * and from the person's own user document; no project document is opened, so nothing of an
 * Institution Zone's members or data can leak into it.
 */
import {
	userDocument,
	type Directory,
	type DirectoryProject,
	type Role
} from '../../src/lib/shared';
import { findConsortium, listProjectRecords } from '../consortium/store';
import type { Db } from '../db/database';
import type { DocumentRegistry } from '../sync/registry';
import { networkZoneConsortiaOf } from '../consortium/zone-people';

export function directoryFor(db: Db, registry: DocumentRegistry, accountId: string): Directory {
	const roles = new Map(
		(
			db
				.prepare('SELECT project_id AS projectId, role FROM memberships WHERE account_id = ?')
				.all(accountId) as Array<{ projectId: string; role: Role }>
		).map((row) => [row.projectId, row.role])
	);
	const pending =
		registry.read(userDocument(accountId), (document) =>
			[...document.root('requests').values()].filter((request) => request.status === 'pending')
		) ?? [];
	const consortia = networkZoneConsortiaOf(db, accountId)
		.map(({ consortiumId }) => findConsortium(db, consortiumId))
		.filter((consortium) => consortium?.mode === 'institution-zone')
		.map((consortium) => {
			const zoneNames = new Map(consortium!.zones.map((zone) => [zone.id, zone.name]));
			const projects = listProjectRecords(db, consortium!.id).map((project): DirectoryProject => ({
				projectId: project.id,
				name: project.name,
				ownerZoneName: zoneNames.get(project.ownerZoneId) ?? '',
				membership: roles.get(project.id) ?? null,
				pendingRequests: pending
					.filter((request) => request.projectId === project.id)
					.sort((a, b) => a.createdAt - b.createdAt)
			}));
			return { id: consortium!.id, name: consortium!.name, projects };
		});
	return { consortia: consortia.sort((a, b) => a.name.localeCompare(b.name)) };
}
