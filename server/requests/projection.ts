/**
 * A requester cannot read the project document they ask to join, so their own user document keeps
 * a copy of each of their requests, with the project's name and the boards' names. This listener
 * keeps the copies in step with every accepted change to a project's `requests` (a new request,
 * a decision, a withdrawal), whoever made it; a user document not in memory is written when it
 * next loads (`DocumentRegistry.writeUserDocument`).
 */
import {
	viewDocument,
	type AccessRequest,
	type EntryChange,
	type OwnRequest
} from '../../src/lib/shared';
import type { OnAccepted } from '../sync/extensions';
import type { DocumentRegistry } from '../sync/registry';

export function projectRequestsIntoUserDocuments(registry: DocumentRegistry): OnAccepted {
	return (document, _author, changes: readonly EntryChange[]) => {
		if (document.address.kind !== 'project' || !document.index) return;
		const projectId = document.address.projectId;
		for (const change of changes) {
			if (change.root !== 'requests') continue;
			const request = (change.after ?? change.before) as AccessRequest;
			const boardNames =
				change.after !== undefined && request.kind === 'subscription'
					? boardNamesOf(registry, projectId, request)
					: [];
			const value =
				change.after === undefined
					? undefined
					: ownRequestOf(request, document.index!.project.name, projectId, boardNames);
			registry.writeUserDocument(request.requesterId, [
				{ root: 'requests', key: change.key, value, expiresAt: null }
			]);
		}
	};
}

export function ownRequestOf(
	request: AccessRequest,
	projectName: string,
	projectId: string,
	boardNames: string[]
): OwnRequest {
	return request.kind === 'join'
		? { ...request, projectId, projectName }
		: { ...request, projectId, projectName, boardNames };
}

/** The names of the boards a subscription request names, as the data view holds them now. */
export function boardNamesOf(
	registry: DocumentRegistry,
	projectId: string,
	request: Extract<AccessRequest, { kind: 'subscription' }>
): string[] {
	const names = registry.read(viewDocument(projectId, request.viewId), (view) => {
		const boards = view.root('boards');
		return request.boardIds.map(
			(id) => (boards.get(id) as { name?: string } | undefined)?.name ?? 'a deleted board'
		);
	});
	return names ?? [];
}
