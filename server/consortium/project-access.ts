/**
 * The checks the workflow routes make the same way: hold a project document for the length of a
 * synchronous step, and ask its live facts whether the caller is a Project Admin there, or may
 * read a data view (and do something there). Each answer is an outcome: the route turns a failure
 * into its HTTP error at the edge.
 */
import {
	checkPermission,
	fail,
	projectDocument,
	scopeIncludes,
	succeed,
	type DataView,
	type Failure,
	type MatrixAction,
	type Member,
	type Outcome,
	type ProjectFacts,
	type ReasonCode
} from '../../src/lib/shared';
import type { DocumentOf } from '../sync/live-document';
import type { DocumentRegistry } from '../sync/registry';

export interface HeldProject {
	document: DocumentOf<'project'>;
	facts: ProjectFacts;
}

/**
 * Runs `use` with the project document loaded (synchronously: the document cannot unload or change
 * under it); `project-not-found` when there is no such project.
 */
export function withProject<O extends Outcome>(
	registry: DocumentRegistry,
	projectId: string,
	use: (project: HeldProject) => O
): O | Failure<'project-not-found'> {
	const held = registry.read(projectDocument(projectId), (document) => ({
		outcome: use({ document, facts: document.index! })
	}));
	return held ? held.outcome : projectNotFound();
}

export function projectNotFound(): Failure<'project-not-found'> {
	return fail('project-not-found', 'There is no such project.');
}

export function checkProjectAdmin(
	facts: ProjectFacts,
	accountId: string
): Outcome<{ member: Member }, 'not-project-admin'> {
	const member = facts.member(accountId);
	if (member?.role === 'admin') return succeed({ member });
	return fail('not-project-admin', 'Only Project Admins of this project can see this.');
}

/** The data view, when the account is a member whose data views include it. */
export function checkViewReader(
	facts: ProjectFacts,
	accountId: string,
	viewId: string
): Outcome<{ view: DataView; member: Member }, 'view-not-found' | 'cannot-read-view'> {
	const view = facts.view(viewId);
	if (!view) return fail('view-not-found', 'There is no such data view in this project.');
	const member = facts.member(accountId);
	if (!member || !scopeIncludes(member.scope, viewId)) {
		return fail('cannot-read-view', 'You do not have access to this data view.');
	}
	return succeed({ view, member });
}

/** The data view, when the account reads it and the matrix lets its role do `action` there. */
export function checkViewAction(
	facts: ProjectFacts,
	accountId: string,
	viewId: string,
	action: MatrixAction
): Outcome<{ view: DataView; member: Member }, 'view-not-found' | 'cannot-read-view' | ReasonCode> {
	const reader = checkViewReader(facts, accountId, viewId);
	if (!reader.ok) return reader;
	const decision = checkPermission({
		role: reader.member.role,
		action,
		actorId: accountId,
		target: { placement: 'shared' }
	});
	return decision.ok ? reader : decision;
}

/** The data views of a project, in the order the project document lists them. */
export function viewsOf(document: DocumentOf<'project'>): DataView[] {
	return [...document.root('views').values()];
}
