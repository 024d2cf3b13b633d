/**
 * Requests in institution-zone management (docs/workflows.md): a Network Zone user asks to join
 * an Institution Zone's project with a role, or to be sent a regular digest of boards of its single
 * data view. The server checks the request with the policy, writes it into the project document's
 * `requests` (clients may not create requests: the requester cannot even read that document), and
 * tells the project's Project Admins by mail. Deciding happens in the document; see
 * request-decisions.ts.
 */
import type { z } from 'zod';
import {
	AccessRequestSchema,
	decideJoinRequest,
	decideSubscriptionRequest,
	describeRequest,
	newId,
	projectDocument,
	viewDocument,
	type AccessRequest,
	type Member,
	type NewRequestSchema,
	type OwnRequest,
	type ProjectFacts,
	type ReasonCode,
	type RequestableBoards,
	type Requester,
	OK,
	fail,
	succeed,
	type Failure,
	type Outcome
} from '../../src/lib/shared';
import type { Account } from '../auth/accounts';
import { findProjectRecord } from '../consortium/store';
import type { Db } from '../db/database';
import type { MailQueue } from '../mail/mailer';
import { accessRequestedMail, type SiteUrl } from '../mail/templates';
import type { DocumentOf } from '../sync/live-document';
import type { DocumentRegistry } from '../sync/registry';
import { projectNotFound, viewsOf, withProject } from '../consortium/project-access';
import { findPendingRequest } from './request-index';
import { ownRequestOf } from './projection';
import { requesterZoneIn } from '../consortium/zone-people';

export interface RequestDeps {
	db: Db;
	registry: DocumentRegistry;
	mailer: MailQueue;
	site: SiteUrl;
	now: () => number;
}

export type RequestInput = z.output<typeof NewRequestSchema>;

export function submitRequest(
	deps: RequestDeps,
	projectId: string,
	requester: Account,
	input: RequestInput
): Outcome<
	{ request: OwnRequest },
	'project-not-found' | 'request-pending' | 'unknown-board' | ReasonCode,
	{ fields?: Record<string, string[]> }
> {
	const { db, registry } = deps;
	const record = findProjectRecord(db, projectId);
	if (!record) return projectNotFound();
	// Someone with no zone in this consortium asks from no zone; the policy refuses that as it
	// refuses an Institution Zone user.
	const zoneId = requesterZoneIn(db, requester.id, record.consortiumId) ?? '';
	return withProject(registry, projectId, ({ document, facts }) => {
		const refusal = refusalOf(db, facts, { accountId: requester.id, zoneId }, input);
		if (refusal) return refusal;
		const built = buildRequest(deps, document, requester, zoneId, input);
		if (!built.ok) return built;
		const { request, boardNames } = built;
		registry.change(projectDocument(projectId), (roots) => roots.requests.set(request.id, request));
		const members = document.root('members').values();
		tellProjectAdmins(deps, members, request, {
			projectId,
			asked: describeRequest(request, facts.project.name, boardNames)
		});
		return succeed({ request: ownRequestOf(request, facts.project.name, projectId, boardNames) });
	});
}

/** Why the policy, or the one-pending-request rule, refuses this request; null if neither does. */
function refusalOf(
	db: Db,
	facts: ProjectFacts,
	requester: Requester,
	input: RequestInput
): Failure<'request-pending' | ReasonCode> | null {
	const decision =
		input.kind === 'join'
			? decideJoinRequest(facts, requester, input.role)
			: decideSubscriptionRequest(facts, requester);
	if (!decision.ok) return decision;
	if (findPendingRequest(db, facts.project.id, requester.accountId, input.kind)) {
		const what = input.kind === 'join' ? 'request to join' : 'subscription request';
		return fail(
			'request-pending',
			`You already have a ${what} waiting for a decision in this project.`
		);
	}
	return null;
}

/** The entry for the project document; a subscription names boards of the single data view. */
function buildRequest(
	deps: RequestDeps,
	project: DocumentOf<'project'>,
	requester: Account,
	zoneId: string,
	input: RequestInput
): Outcome<
	{ request: AccessRequest; boardNames: string[] },
	'unknown-board',
	{ fields: Record<string, string[]> }
> {
	const base = {
		id: newId(),
		requesterId: requester.id,
		requesterEmail: requester.email,
		requesterName: requester.name,
		requesterZoneId: zoneId,
		message: input.message,
		createdAt: deps.now(),
		status: 'pending' as const,
		decidedBy: null,
		decidedAt: null,
		decisionReason: null
	};
	if (input.kind === 'join') {
		const request: AccessRequest = { ...base, kind: 'join', role: input.role };
		return succeed({ request: AccessRequestSchema.parse(request), boardNames: [] });
	}
	const view = viewsOf(project)[0]!;
	const boards = boardsOfView(deps.registry, project.index!.project.id, view.id);
	const unknown = input.boardIds.filter((id) => !boards.has(id));
	if (unknown.length > 0) {
		return fail('unknown-board', 'Some of the boards chosen are not in this project.', {
			fields: { boardIds: unknown.map((id) => `There is no board "${id}" in ${view.name}.`) }
		});
	}
	const request: AccessRequest = {
		...base,
		kind: 'subscription',
		viewId: view.id,
		boardIds: input.boardIds,
		cadence: input.cadence
	};
	return succeed({
		request: AccessRequestSchema.parse(request),
		boardNames: input.boardIds.map((id) => boards.get(id)!)
	});
}

/**
 * The boards of the project's single data view, by name only, for someone who may ask to be
 * subscribed to them (and so may not be able to read the view).
 */
export function requestableBoards(
	deps: Pick<RequestDeps, 'db' | 'registry'>,
	projectId: string,
	accountId: string
): Outcome<{ boards: RequestableBoards }, 'project-not-found' | ReasonCode> {
	const record = findProjectRecord(deps.db, projectId);
	if (!record) return projectNotFound();
	const zoneId = requesterZoneIn(deps.db, accountId, record.consortiumId) ?? '';
	return withProject(deps.registry, projectId, ({ document, facts }) => {
		const decision = decideSubscriptionRequest(facts, { accountId, zoneId });
		if (!decision.ok) return decision;
		const view = viewsOf(document)[0]!;
		const boards = [...boardsOfView(deps.registry, projectId, view.id)]
			.map(([id, name]) => ({ id, name }))
			.sort((a, b) => a.name.localeCompare(b.name));
		return succeed({ boards: { viewId: view.id, viewName: view.name, boards } });
	});
}

/** The requester takes back a request nobody has decided yet. */
export function withdrawRequest(
	deps: Pick<RequestDeps, 'registry'>,
	projectId: string,
	requestId: string,
	accountId: string
): Outcome<object, 'project-not-found' | 'request-not-found' | 'request-decided'> {
	return withProject(deps.registry, projectId, ({ document }) => {
		const request = document.root('requests').get(requestId);
		if (!request || request.requesterId !== accountId)
			return fail('request-not-found', 'You have no such request in this project.');
		if (request.status !== 'pending')
			return fail('request-decided', 'This request has already been decided.');
		deps.registry.change(projectDocument(projectId), (roots) => roots.requests.delete(requestId));
		return OK;
	});
}

/** Board ids and names of a data view. */
export function boardsOfView(
	registry: DocumentRegistry,
	projectId: string,
	viewId: string
): Map<string, string> {
	const boards = registry.read(viewDocument(projectId, viewId), (view) =>
		[...view.root('boards').values()].map((board) => {
			const { id, name } = board as { id: string; name: string };
			return [id, name] as const;
		})
	);
	return new Map(boards ?? []);
}

function tellProjectAdmins(
	deps: RequestDeps,
	members: Iterable<Member>,
	request: AccessRequest,
	context: { projectId: string; asked: string }
): void {
	for (const member of members) {
		if (member.role !== 'admin') continue;
		deps.mailer.enqueue(
			accessRequestedMail({
				site: deps.site,
				to: member.email,
				requesterName: request.requesterName,
				requesterEmail: request.requesterEmail,
				asked: context.asked,
				message: request.message,
				path: `/projects/${context.projectId}/settings/requests`
			})
		);
	}
}
