/**
 * The preview of a change to a member's access, as the server sees it (docs/workflows.md, "Preview
 * of a change"): the project document's facts, and the subscriptions that name the member, which
 * only the server knows without opening every data view (the SQL index of subscriptions). The
 * preview itself is the policy's `previewAccessChange`, which the console runs too.
 *
 * It is answered to whoever may make the change (`decideMemberChange`, `decideRemoval`): a Project
 * Admin for a member they may manage, and a member for their own stepping down or leaving. So it
 * tells nobody what they could not see by making the change.
 */
import {
	decideMemberChange,
	decideRemoval,
	fail,
	previewAccessChange,
	succeed,
	viewDocument,
	type AccessHolding,
	type AccessPreview,
	type Outcome,
	type ReasonCode,
	type SubscriptionOfView
} from '../../src/lib/shared';
import { viewsOf, withProject } from '../consortium/project-access';
import type { Db } from '../db/database';
import { digestStandings } from '../subscriptions/digest-recipients';
import { subscriptionsNaming, type ScheduleRow } from '../subscriptions/subscription-index';
import type { DocumentRegistry } from '../sync/registry';

export interface ChangePreviewDeps {
	db: Db;
	registry: DocumentRegistry;
}

export interface ChangeAsked {
	projectId: string;
	/** Who asks: the person who would make the change. */
	actorId: string;
	/** Whose access would change. */
	accountId: string;
	/** Their role and data views after the change; null: removed (or leaving). */
	next: AccessHolding | null;
}

export function previewMemberChange(
	deps: ChangePreviewDeps,
	asked: ChangeAsked
): Outcome<{ preview: AccessPreview }, 'project-not-found' | 'member-not-found' | ReasonCode> {
	return withProject(deps.registry, asked.projectId, ({ document, facts }) => {
		const member = facts.member(asked.accountId);
		if (!member) return fail('member-not-found', 'That person is not a member of this project.');
		const decision = asked.next
			? decideMemberChange(facts, asked.actorId, member, { ...asked.next, zoneId: member.zoneId })
			: decideRemoval(facts, asked.actorId, member);
		if (!decision.ok) return decision;
		const standing = digestStandings(deps.db)(asked.projectId, member.accountId);
		const place = {
			views: viewsOf(document),
			subscriptions: subscriptionsOfMember(deps, asked.projectId, member.email),
			approvedSubscriber: standing.approvedSubscriber
		};
		return succeed({ preview: previewAccessChange(place, member, asked.next) });
	});
}

/**
 * The subscriptions naming the address, with their boards' names as their data views hold them
 * now. One whose board (or view) is gone sends nothing whatever the change, so it is left out.
 */
function subscriptionsOfMember(
	deps: ChangePreviewDeps,
	projectId: string,
	email: string
): SubscriptionOfView[] {
	const rows = subscriptionsNaming(deps.db, projectId, email);
	const keyOf = (row: ScheduleRow) => `${row.view_id}/${row.subscription_id}`;
	const boardNames = new Map<string, string>();
	for (const viewId of new Set(rows.map((row) => row.view_id))) {
		deps.registry.read(viewDocument(projectId, viewId), (view) => {
			const boards = view.root('boards');
			for (const row of rows) {
				const board = row.view_id === viewId ? boards.get(row.board_id) : undefined;
				if (board) boardNames.set(keyOf(row), board.name);
			}
		});
	}
	return rows.flatMap((row) => {
		const boardName = boardNames.get(keyOf(row));
		if (boardName === undefined) return [];
		return [
			{
				id: row.subscription_id,
				viewId: row.view_id,
				boardName,
				cadence: row.cadence,
				paused: row.paused === 1,
				recipients: JSON.parse(row.recipients) as string[]
			}
		];
	});
}
