/**
 * Keeps each account's user document in step with its memberships: the project drop-down lists
 * exactly the projects the account is a member of, with its role there. Runs after every accepted
 * change to a project's members, whoever made it; a user document not in memory is written when it
 * next loads (`DocumentRegistry.writeUserDocument`).
 */
import type { EntryChange, Member, ProjectListing } from '../../src/lib/shared';
import type { LiveDocument } from '../sync/live-document';
import type { DocumentRegistry } from '../sync/registry';

export function projectMembershipIntoUserDocuments(registry: DocumentRegistry) {
	return (
		document: LiveDocument,
		_author: string | null,
		changes: readonly EntryChange[]
	): void => {
		if (document.address.kind !== 'project' || !document.index) return;
		const { project } = document.index;
		for (const change of changes) {
			if (change.root === 'settings') {
				for (const member of document.root('members').values())
					listProject(registry, document, member as Member);
			}
			if (change.root !== 'members') continue;
			if (change.after === undefined) {
				registry.writeUserDocument(change.key, [
					{ root: 'projects', key: project.id, value: undefined, expiresAt: null }
				]);
			} else {
				listProject(registry, document, change.after as Member);
			}
		}
	};
}

function listProject(registry: DocumentRegistry, document: LiveDocument, member: Member): void {
	const index = document.index!;
	const listing: ProjectListing = {
		projectId: index.project.id,
		name: index.project.name,
		consortiumName: index.project.consortiumName,
		mode: index.project.mode,
		role: member.role,
		zoneName: index.zone(member.zoneId)?.name ?? ''
	};
	registry.writeUserDocument(member.accountId, [
		{ root: 'projects', key: listing.projectId, value: listing, expiresAt: null }
	]);
}
