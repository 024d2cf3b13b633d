/**
 * The checks the workflow routes make the same way: hold a project document for the length of a
 * synchronous step, and ask its live facts whether the caller is a Project Admin there, or may
 * read a data view. Each failure is an HttpError a person can read.
 */
import {
	projectDocument,
	scopeIncludes,
	type DataView,
	type Member,
	type ProjectFacts
} from '../../src/lib/shared';
import { HttpError } from '../http/errors';
import type { DocumentOf } from '../sync/live-document';
import type { DocumentRegistry } from '../sync/registry';

export interface HeldProject {
	document: DocumentOf<'project'>;
	facts: ProjectFacts;
}

/**
 * Runs `use` with the project document loaded (synchronously: the document cannot unload or change
 * under it); 404 when there is no such project.
 */
export function withProject<T>(
	registry: DocumentRegistry,
	projectId: string,
	use: (project: HeldProject) => T
): T {
	const outcome = registry.read(projectDocument(projectId), (document) => ({
		value: use({ document, facts: document.index! })
	}));
	if (!outcome) throw new HttpError(404, 'project-not-found', 'There is no such project.');
	return outcome.value;
}

export function requireProjectAdmin(facts: ProjectFacts, accountId: string): Member {
	const member = facts.member(accountId);
	if (member?.role === 'admin') return member;
	throw new HttpError(
		403,
		'not-project-admin',
		'Only Project Admins of this project can see this.'
	);
}

/** The data view, when the account is a member whose data views include it. */
export function requireViewReader(
	facts: ProjectFacts,
	accountId: string,
	viewId: string
): { view: DataView; member: Member } {
	const view = facts.view(viewId);
	if (!view)
		throw new HttpError(404, 'view-not-found', 'There is no such data view in this project.');
	const member = facts.member(accountId);
	if (!member || !scopeIncludes(member.scope, viewId)) {
		throw new HttpError(403, 'cannot-read-view', 'You do not have access to this data view.');
	}
	return { view, member };
}

/** The data views of a project, in the order the project document lists them. */
export function viewsOf(document: DocumentOf<'project'>): DataView[] {
	return [...document.root('views').values()];
}
