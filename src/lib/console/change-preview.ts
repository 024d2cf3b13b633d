/**
 * The preview a confirmation on Project Users shows (docs/workflows.md, "Preview of a change"):
 * the policy's `previewAccessChange` over the project document the console holds, at once, and the
 * server's answer to the same question, which adds the subscriptions whose digests would stop (the
 * console does not hold every data view's subscriptions; the server's SQL index does).
 */
import { call } from '../api';
import type { ProposedChange } from '../components/MembersTable.svelte';
import type { PreviewLoad } from '../components/access-preview-load.svelte';
import { nextAssignment } from '../member-permissions';
import {
	API,
	previewAccessChange,
	type AccessHolding,
	type AccessPreview,
	type DataView,
	type Member
} from '../shared';

/** Asks the server for its preview of the change; null when it cannot be had. */
export type AskPreview = (
	accountId: string,
	next: AccessHolding | null
) => Promise<AccessPreview | null>;

/** The member's role and data views after the change; null for a removal. */
export function holdingAfter(member: Member, change: ProposedChange): AccessHolding | null {
	switch (change.kind) {
		case 'role': {
			const { role, scope } = nextAssignment(member, change.role);
			return { role, scope };
		}
		case 'views':
			return { role: member.role, scope: change.scope };
		case 'removal':
			return null;
	}
}

export function previewOfChange(
	views: Iterable<DataView>,
	member: Member,
	change: ProposedChange,
	ask: AskPreview
): PreviewLoad {
	const next = holdingAfter(member, change);
	// No subscriptions are known here, so whether the member's request for one was approved
	// decides nothing yet: the server's answer says.
	const place = { views, subscriptions: null, approvedSubscriber: false };
	return { now: previewAccessChange(place, member, next), later: ask(member.accountId, next) };
}

/**
 * The server's preview through the API; `bearer` for the embedded widget's session, which has no
 * cookie.
 */
export function askServer(projectId: string, bearer?: () => string | null): AskPreview {
	return async (accountId, next) => {
		const answer = await call(API.previewAccessChange, {
			params: { id: projectId, accountId },
			body: { next },
			...(bearer ? { bearer: bearer() } : {})
		});
		return answer.ok ? answer.data : null;
	};
}
