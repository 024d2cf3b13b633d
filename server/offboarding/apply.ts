/**
 * Applying a library's offboarding (docs/workflows.md, "Offboarding a library"). The plan is built
 * again from the live documents and must be the one the office was shown (its fingerprint), with
 * nothing refusing it and the library's name typed. Then, in one synchronous step of the server
 * (no other message or request is handled before it ends):
 *
 * 1. the offboarding is recorded as begun, with the keys of what its plan does;
 * 2. each project document changes once, as a server change through the registry (author null, as
 *    `npm run admin -- remove-admin`), so that every extension follows: the audit log and the
 *    indexes, the people's project drop-downs and notices, the requesters' copies and mail, and
 *    revoke-lost-access, which closes the people's open connections (4410). Their invitations'
 *    links are retired (`withdrawn`);
 * 3. each data view document with subscriptions to end or trim changes once, the same way;
 * 4. the library's portals are revoked and its people's consents to other portals removed, which
 *    ends their tickets and embedded sessions; open connections of those sessions close (4401);
 * 5. the one governance entry is written with the offboarding's completion, in one transaction.
 *
 * Each document's change is atomic, the whole is not: a crash between two documents leaves some
 * changed and the offboarding unfinished. Every step only removes what is still there, so the next
 * preview shows what is left (and that an offboarding is unfinished), and its apply finishes it
 * and writes the one entry, counting what every run did. Applying a finished offboarding again
 * changes nothing and writes nothing.
 */
import {
	checkOffboardingApply,
	countOffboardingItems,
	isOpenInvitation,
	offboardedProjectIds,
	offboardedRequestReason,
	offboardingHasWork,
	offboardingItems,
	projectDocument,
	RETIRED_LINKS,
	succeed,
	viewDocument,
	type Consortium,
	type OffboardingApplyCheck,
	type OffboardingApplyRequest,
	type OffboardingPlan,
	type OffboardingProjectPlan,
	type OffboardingResult,
	type Outcome
} from '../../src/lib/shared';
import { recordGovernanceEvent } from '../audit/governance';
import { readConsortiumEntry } from '../audit/consortium-log';
import type { AuthDb } from '../auth/settings';
import { retireTokens } from '../auth/tokens';
import { performNow } from '../db/work';
import { listProjectRecords } from '../consortium/store';
import { removeGrant } from '../embed/grants';
import { revokePortal } from '../embed/portals';
import type { DocumentRegistry } from '../sync/registry';
import { previewOffboarding, type OffboardingAccessCode } from './preview';
import {
	beginOffboarding,
	finishOffboarding,
	findLastOffboarding,
	type OffboardingRecord
} from './records';

export interface OffboardingDeps {
	auth: AuthDb & {
		/** Closes the open connections of sessions that ended (the server's `recheckSessions`). */
		onSessionsEnded?: () => void;
	};
	registry: DocumentRegistry;
}

export type OffboardingApplyOutcome = Outcome<
	{ result: OffboardingResult },
	OffboardingAccessCode | Exclude<OffboardingApplyCheck, { ok: true }>['code']
>;

export function applyOffboarding(
	deps: OffboardingDeps,
	consortiumId: string,
	zoneId: string,
	accountId: string,
	request: OffboardingApplyRequest
): OffboardingApplyOutcome {
	const sources = { db: deps.auth.db, registry: deps.registry };
	const preview = previewOffboarding(sources, consortiumId, zoneId, accountId);
	if (!preview.ok) return preview;
	const { plan, consortium } = preview;
	const check = checkOffboardingApply(plan, request);
	if (!check.ok) return check;
	const done = findLastOffboarding(sources.db, zoneId);
	if (done && plan.unfinished === null && !offboardingHasWork(plan))
		return succeed({ result: resultOf(deps, consortium, done) });
	const now = deps.auth.settings.now();
	const record = beginOffboarding(sources.db, {
		consortiumId,
		zoneId,
		by: accountId,
		at: now,
		items: offboardingItems(plan)
	});
	const leaving = {
		zoneId: plan.zone.id,
		requestReason: offboardedRequestReason(plan.zone.name),
		now
	};
	for (const project of plan.projects) applyLeavingProject(deps, project, leaving);
	for (const project of plan.projects) applyLeavingSubscriptions(deps.registry, project);
	endPortals(deps, plan, accountId);
	const finished = finish(deps, consortium, record, accountId, now);
	return succeed({ result: resultOf(deps, consortium, finished) });
}

/**
 * How a project plan is applied: whose memberships go (those held in the zone; null: the plan's
 * people's, in any zone), and the reason the closed requests are given.
 */
export interface LeavingApplication {
	zoneId: string | null;
	requestReason: string;
	now: number;
}

/**
 * A project plan's memberships, invitations, requests and hand-over requests removed or closed,
 * and the zone marked as left when the plan says so: one server change of the project document,
 * which every extension follows (the audit log, the indexes, the people's drop-downs and notices,
 * revoke-lost-access closing their open connections). The invitations' links are retired.
 * Only what is still there goes, so applying twice changes nothing the second time.
 */
export function applyLeavingProject(
	deps: OffboardingDeps,
	project: OffboardingProjectPlan,
	how: LeavingApplication
): void {
	const { zoneId, now } = how;
	deps.registry.change(projectDocument(project.projectId), (roots) => {
		for (const { accountId } of project.memberships) {
			const member = roots.members.get(accountId);
			if (member && (zoneId === null || member.zoneId === zoneId)) roots.members.delete(accountId);
		}
		for (const { inviteId } of project.invitations) {
			const invite = roots.invites.get(inviteId);
			if (invite && isOpenInvitation(invite)) roots.invites.delete(inviteId);
		}
		for (const { requestId } of project.requests) {
			const request = roots.requests.get(requestId);
			if (request?.status !== 'pending') continue;
			roots.requests.set(requestId, {
				...request,
				status: 'denied',
				decidedBy: null,
				decidedAt: now,
				decisionReason: how.requestReason
			});
		}
		for (const { handoverId } of project.handovers) {
			const handover = roots.handovers.get(handoverId);
			if (handover?.status === 'pending')
				roots.handovers.set(handoverId, { ...handover, status: 'withdrawn', answeredAt: now });
		}
		const zone = zoneId === null ? undefined : roots.zones.get(zoneId);
		if (project.marksZoneLeft && zone && zone.leftAt === undefined)
			roots.zones.set(zone.id, { ...zone, leftAt: now });
	});
	for (const { inviteId } of project.invitations)
		performNow(deps.auth.db, retireTokens('invite', inviteId, RETIRED_LINKS.byRevoking));
}

/** Ends the project's subscriptions of the plan, or takes the leaving people off them. */
export function applyLeavingSubscriptions(
	registry: DocumentRegistry,
	project: OffboardingProjectPlan
): void {
	const byView = new Map<string, OffboardingProjectPlan['subscriptions']>();
	for (const subscription of project.subscriptions)
		byView.set(subscription.viewId, [...(byView.get(subscription.viewId) ?? []), subscription]);
	for (const [viewId, subscriptions] of byView) {
		registry.change(viewDocument(project.projectId, viewId), (roots) => {
			for (const planned of subscriptions) {
				const subscription = roots.subscriptions.get(planned.subscriptionId);
				if (!subscription) continue;
				const leaving = new Set(planned.recipients.map((email) => email.toLowerCase()));
				const recipients = subscription.recipients.filter(
					(email) => !leaving.has(email.toLowerCase())
				);
				if (planned.outcome === 'end' || recipients.length === 0)
					roots.subscriptions.delete(planned.subscriptionId);
				else if (recipients.length < subscription.recipients.length)
					roots.subscriptions.set(planned.subscriptionId, { ...subscription, recipients });
			}
		});
	}
}

/** The library's portals revoked, its people's consents to the others removed. */
function endPortals(deps: OffboardingDeps, plan: OffboardingPlan, accountId: string): void {
	const { auth } = deps;
	let ended = false;
	for (const portal of plan.portals)
		ended = revokePortal(auth, portal.portalId, accountId) || ended;
	for (const grant of plan.grants)
		ended = removeGrant(auth.db, grant.accountId, grant.portalId) || ended;
	if (ended) auth.onSessionsEnded?.();
}

/** The one governance entry, with the offboarding's completion (one transaction). */
function finish(
	deps: OffboardingDeps,
	consortium: Consortium,
	record: OffboardingRecord,
	accountId: string,
	now: number
): OffboardingRecord {
	const { db } = deps.auth;
	const names = new Map(
		listProjectRecords(db, consortium.id).map((project) => [project.id, project.name])
	);
	return db.transaction(() => {
		const eventId = recordGovernanceEvent(db, {
			place: { consortiumId: consortium.id },
			authorId: accountId,
			subject: { zoneId: record.zoneId },
			event: {
				kind: 'library-offboarded',
				zoneId: record.zoneId,
				projects: offboardedProjectIds(record.items).map((id) => ({
					id,
					name: names.get(id) ?? 'a removed project'
				})),
				...countOffboardingItems(record.items)
			},
			at: now
		});
		finishOffboarding(db, record.id, now, eventId);
		return { ...record, completedAt: now, eventId };
	})();
}

function resultOf(
	deps: OffboardingDeps,
	consortium: Consortium,
	record: OffboardingRecord
): OffboardingResult {
	const zone = consortium.zones.find((candidate) => candidate.id === record.zoneId)!;
	const names = new Map(
		listProjectRecords(deps.auth.db, consortium.id).map((project) => [project.id, project.name])
	);
	const entry = readConsortiumEntry(deps.auth.db, consortium, record.eventId!);
	return {
		zone: { id: zone.id, name: zone.name },
		completedAt: record.completedAt!,
		counts: countOffboardingItems(record.items),
		projects: offboardedProjectIds(record.items).map((id) => ({
			id,
			name: names.get(id) ?? 'a removed project'
		})),
		sentence: entry?.sentence ?? ''
	};
}
