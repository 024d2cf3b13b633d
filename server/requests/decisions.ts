/**
 * What follows a decision. A Project Admin decides a request in the project document (status
 * approved or denied, with decidedBy, decidedAt and decisionReason; the policy checks who may).
 * Once the server has accepted that change, this listener acts on it:
 * - an approved join makes the requester a member, from their Network Zone, with the role asked
 *   for and every data view (scope 'all': the project has a single data view);
 * - an approved subscription creates one BoardSubscription per board asked for (the schema holds
 *   one board per subscription) in the data view, owned by the requester and sent to them;
 * - either way the requester is told: by mail, and by a notice in their user document (the
 *   request's copy there follows through request-projection.ts).
 */
import {
	checkAssignment,
	describeRequest,
	newId,
	ROLE_LABELS,
	viewDocument,
	type AccessRequest,
	type BoardSubscription,
	type EntryChange,
	type JoinRequest,
	type Notice,
	type SubscriptionRequest
} from '../../src/lib/shared';
import { findAccountById, type Account } from '../auth/accounts';
import { putMember } from '../consortium/projects';
import type { Db } from '../db/database';
import type { MailQueue } from '../mail/mailer';
import { requestDecidedMail, type SiteUrl } from '../mail/templates';
import type { OnAccepted } from '../sync/extensions';
import type { LiveDocument } from '../sync/live-document';
import type { DocumentRegistry } from '../sync/registry';
import { leaveNotice } from '../notices/leave-notice';
import { boardNamesOf } from './projection';

export interface DecisionDeps {
	db: Db;
	registry: DocumentRegistry;
	mailer: MailQueue;
	site: SiteUrl;
	now: () => number;
}

export function actOnRequestDecisions(deps: DecisionDeps): OnAccepted {
	return (document, _author, changes: readonly EntryChange[]) => {
		if (document.address.kind !== 'project' || !document.index) return;
		for (const change of changes) {
			if (change.root !== 'requests') continue;
			const before = change.before as AccessRequest | undefined;
			const after = change.after as AccessRequest | undefined;
			if (before?.status !== 'pending' || !after || after.status === 'pending') continue;
			const requester = findAccountById(deps.db, after.requesterId);
			if (requester) actOnDecision(deps, document, after, requester);
		}
	};
}

function actOnDecision(
	deps: DecisionDeps,
	document: LiveDocument,
	request: AccessRequest,
	requester: Account
): void {
	const project = document.index!.project;
	const boardNames =
		request.kind === 'subscription' ? boardNamesOf(deps.registry, project.id, request) : [];
	const asked = describeRequest(request, project.name, boardNames);
	const approved = request.status === 'approved';
	let consequence: string | null = null;
	if (approved && request.kind === 'join')
		consequence = admitRequester(deps, document, request, requester);
	if (approved && request.kind === 'subscription')
		consequence = subscribeRequester(deps, project.id, request, requester);
	const text = `Your request ${asked} was ${approved ? 'approved' : 'denied'}${
		request.decisionReason?.trim() ? `: “${request.decisionReason.trim()}”` : '.'
	}`;
	noticeTo(deps, requester.id, { projectId: project.id, text });
	deps.mailer.enqueue(
		requestDecidedMail({
			site: deps.site,
			to: requester.email,
			asked,
			approved,
			reason: request.decisionReason,
			consequence,
			path: approved && request.kind === 'join' ? `/projects/${project.id}` : '/'
		})
	);
}

/** Returns what the requester should know about the outcome. */
function admitRequester(
	deps: DecisionDeps,
	document: LiveDocument,
	request: JoinRequest,
	requester: Account
): string | null {
	const facts = document.index!;
	const existing = facts.member(requester.id);
	// Invited in the meantime: their membership stands as it is, whatever the request asked.
	if (existing) return `You were already a member, as ${ROLE_LABELS[existing.role]}.`;
	const assignment = { role: request.role, zoneId: request.requesterZoneId, scope: 'all' as const };
	if (!checkAssignment(facts, assignment).ok) return null;
	putMember(deps.db, deps.registry, facts.project.id, {
		accountId: requester.id,
		email: requester.email,
		name: requester.name,
		...assignment
	});
	return 'The project is now in your project drop-down.';
}

function subscribeRequester(
	deps: DecisionDeps,
	projectId: string,
	request: SubscriptionRequest,
	requester: Account
): string | null {
	const now = deps.now();
	let created = 0;
	deps.registry.change(viewDocument(projectId, request.viewId), (roots) => {
		const boards = roots.boards;
		for (const boardId of request.boardIds) {
			// A board deleted since the request was made has nothing left to send.
			if (!boards.has(boardId)) continue;
			const subscription: BoardSubscription = {
				id: newId(),
				createdBy: requester.id,
				createdAt: now,
				updatedBy: requester.id,
				updatedAt: now,
				boardId,
				cadence: request.cadence,
				recipients: [requester.email],
				paused: false
			};
			roots.subscriptions.set(subscription.id, subscription);
			created += 1;
		}
	});
	if (created === 0)
		return 'The boards asked for have been deleted since, so nothing will be sent.';
	return `The first ${request.cadence} digest arrives one ${request.cadence === 'daily' ? 'day' : request.cadence === 'weekly' ? 'week' : 'month'} from now.`;
}

function noticeTo(
	deps: DecisionDeps,
	accountId: string,
	content: Pick<Notice, 'projectId' | 'text'>
): void {
	leaveNotice(deps.registry, accountId, { kind: 'request-decided', ...content }, deps.now());
}
