/**
 * Invitations are written to the project document by an admin's client (offline too), and sent by
 * the server once it has accepted the change (its moves: src/lib/shared/invitation-lifecycle.ts):
 * a new invitation, or a Resend Invitation, issues a fresh Accept Invite link (the earlier ones
 * then answer that a newer invitation replaced them) and records when it was sent and when it
 * expires. An address that already has an account joins at once and is told so; revoking an
 * invitation (deleting it) withdraws its link.
 *
 * Every sending is rate-limited per inviting account and per address invited (docs/security.md).
 * One over a limit is not lost: the invitation stays, marked `failed` with the reason, and a
 * Resend Invitation sends it once the limit allows. The invitations of a CSV file were counted as
 * one act when it was applied (`CountedSendings`), so only the limit per address counts them here.
 */
import {
	asksToBeSent,
	endsAtOf,
	formatEndDate,
	failedInvitation,
	projectDocument,
	RETIRED_LINKS,
	ROLE_LABELS,
	sentInvitation,
	type EntryChange,
	type Invite
} from '../../src/lib/shared';
import { findAccountByEmail } from '../auth/accounts';
import type { AuthContext } from '../auth/routes/context';
import type { AuthDb } from '../auth/settings';
import { issueToken, retireTokens } from '../auth/tokens';
import { performNow } from '../db/work';
import type { MailQueue } from '../mail/mailer';
import { addedToProjectMail, invitationMail, type SiteUrl } from '../mail/templates';
import type { LiveDocument } from '../sync/live-document';
import type { DocumentRegistry } from '../sync/registry';
import { admitInvitees, type Admission } from './admission';

export interface InvitationDeps extends AuthDb {
	mailer: MailQueue;
	site: SiteUrl;
	registry: DocumentRegistry;
	/** Counted on every sending (new invitation or resend); `invitesPer*` in `Config.auth`. */
	limiters: Pick<AuthContext['limiters'], 'invitesPerInviter' | 'invitesPerEmail'>;
	counted: CountedSendings;
}

/**
 * The invitations whose sending their inviter's limit has counted already, as one act (a CSV
 * file, `invitesByFilePerInviter`): marked for the length of the change that writes them, which
 * sends them in the same synchronous step.
 */
export class CountedSendings {
	readonly #ids = new Set<string>();

	/** Runs `write` with these invitations marked as counted. */
	during<T>(inviteIds: Iterable<string>, write: () => T): T {
		const ids = [...inviteIds];
		for (const id of ids) this.#ids.add(id);
		try {
			return write();
		} finally {
			for (const id of ids) this.#ids.delete(id);
		}
	}

	has(inviteId: string): boolean {
		return this.#ids.has(inviteId);
	}
}

export function sendInvitationsOnChange(deps: InvitationDeps) {
	// The links and mails of the whole change are one SQL transaction, and what became of each
	// sending is written once for the whole change: a file of 2,000 costs one commit, not 2,000.
	// Made once: better-sqlite3 builds a transaction function with four wrappers and their
	// properties, work that a change to anything else (a role, a data view) paid for nothing.
	const send = deps.db.transaction(
		(document: LiveDocument, authorId: string, changes: readonly EntryChange[]) => {
			const outcomes: Invite[] = [];
			const admissions: Admission[] = [];
			for (const change of changes) {
				if (change.root !== 'invites') continue;
				const before = change.before as Invite | undefined;
				const after = change.after as Invite | undefined;
				if (!after)
					performNow(deps.db, retireTokens('invite', change.key, RETIRED_LINKS.byRevoking));
				else if (asksToBeSent(before, after)) {
					const refusal = overLimit(deps, document, after, authorId);
					if (refusal) outcomes.push(failedInvitation(after, refusal));
					else {
						const delivered = deliverInvitation(deps, document, after, authorId);
						if ('account' in delivered) admissions.push(delivered);
						else outcomes.push(delivered.sent);
					}
				}
			}
			return { outcomes, admissions };
		}
	);
	return (
		document: LiveDocument,
		authorId: string | null,
		changes: readonly EntryChange[]
	): void => {
		// The server's own writes (sent, accepted) need no mail; nor does a change to no invitation.
		if (document.address.kind !== 'project' || authorId === null) return;
		if (!changes.some((change) => change.root === 'invites')) return;
		const { outcomes, admissions } = send(document, authorId, changes);
		const projectId = document.index!.project.id;
		if (outcomes.length > 0)
			deps.registry.change(projectDocument(projectId), (roots) => {
				for (const invite of outcomes) roots.invites.set(invite.id, invite);
			});
		if (admissions.length > 0)
			admitInvitees(deps.registry, projectId, admissions, deps.settings.now());
	};
}

/** Why this sending would pass a limit (as the Invited Users list shows it), or null. */
function overLimit(
	deps: InvitationDeps,
	document: LiveDocument,
	invite: Invite,
	senderId: string
): string | null {
	const bySender = deps.counted.has(invite.id)
		? { ok: true as const }
		: deps.limiters.invitesPerInviter.consume(senderId);
	if (!bySender.ok) {
		const sender = document.index!.member(senderId)?.name || 'this Project Admin';
		return `Not sent: ${sender} sent too many invitations recently. Resend it in ${wait(bySender.retryAfterSeconds)}.`;
	}
	const byAddress = deps.limiters.invitesPerEmail.consume(invite.email);
	if (!byAddress.ok) {
		return `Not sent: this address was sent too many invitations recently. Resend it in ${wait(byAddress.retryAfterSeconds)}.`;
	}
	return null;
}

function wait(seconds: number): string {
	const minutes = Math.ceil(seconds / 60);
	return minutes === 1 ? 'a minute' : `${minutes} minutes`;
}

/**
 * Mails the invitation with a fresh link, and returns it as sent; or, when its address has an
 * account, mails that they were added and returns whom to admit (a failed sending keeps its
 * invitation, and an earlier link of it still works: `failedInvitation`).
 */
function deliverInvitation(
	deps: InvitationDeps,
	document: LiveDocument,
	invite: Invite,
	senderId: string
): Admission | { sent: Invite } {
	const { db, mailer, site } = deps;
	const project = document.index!.project;
	const inviterName = document.index!.member(senderId)?.name || 'A Project Admin';
	const roleLabel = ROLE_LABELS[invite.role];
	const endsAt = endsAtOf(invite);
	const endDate = endsAt === null ? null : formatEndDate(endsAt);
	const now = deps.settings.now();
	const account = findAccountByEmail(db, invite.email);
	if (account) {
		mailer.enqueue(
			addedToProjectMail({
				site,
				to: account.email,
				projectName: project.name,
				roleLabel,
				inviterName,
				endDate,
				path: `/projects/${project.id}`
			})
		);
		return { invite, account };
	}
	const issued = issueInviteLink(deps, project.id, invite);
	mailer.enqueue(
		invitationMail({
			site,
			to: invite.email,
			projectName: project.name,
			roleLabel,
			inviterName,
			endDate,
			...issued
		})
	);
	return { sent: sentInvitation(invite, now, issued.expiresAt) };
}

export interface IssuedInviteLink {
	token: string;
	expiresAt: number;
	lifetimeMs: number;
}

/**
 * A fresh Accept Invite link for the invitation, valid for an invitation's lifetime; its earlier
 * links answer from now on that a newer invitation replaced them. Only the token's hash is kept.
 */
export function issueInviteLink(
	deps: AuthDb,
	projectId: string,
	invite: Pick<Invite, 'id' | 'email'>
): IssuedInviteLink {
	performNow(deps.db, retireTokens('invite', invite.id, RETIRED_LINKS.bySending));
	const issued = performNow(
		deps.db,
		issueToken(deps.settings, {
			purpose: 'invite',
			email: invite.email,
			subject: invite.id,
			data: { projectId }
		})
	);
	return { ...issued, lifetimeMs: deps.settings.tokenLifetimesMs.invite };
}
