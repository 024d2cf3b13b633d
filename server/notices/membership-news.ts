/**
 * A person is told what happened to them: when somebody else removes a member from a project,
 * changes their role, moves them out of data views or changes when their access ends, or the
 * server ends it on its end date, the member finds a notice in their user document (the console
 * shows it, on every device, also after being offline) and, but for data views, a mail. Only accepted changes reach this extension, so a refused change is
 * never told as done; a person's own change (stepping down, leaving) is theirs and not told back.
 * The words are `membershipNews` (src/lib/shared/membership-news.ts).
 */
import {
	endedAsPlanned,
	membershipNews,
	readStoredEntry,
	type EntryChange,
	type Member,
	type MembershipNews
} from '../../src/lib/shared';
import { findAccountById } from '../auth/accounts';
import type { Db } from '../db/database';
import { findPortal } from '../embed/portals';
import type { MailQueue } from '../mail/mailer';
import { membershipChangedMail, type SiteUrl } from '../mail/templates';
import type { DocumentExtension } from '../sync/extensions';
import type { LiveDocument } from '../sync/live-document';
import type { DocumentRegistry } from '../sync/registry';
import { leaveNotice } from './leave-notice';

export interface MembershipNewsDeps {
	db: Db;
	registry: DocumentRegistry;
	mailer: MailQueue;
	site: SiteUrl;
	now: () => number;
}

export function tellMembersWhatHappened(deps: MembershipNewsDeps): DocumentExtension {
	return {
		name: 'membership news',
		onAccepted(document, authorId, changes, via) {
			if (document.address.kind !== 'project' || !document.index) return;
			const memberChanges = changes.filter((change) => change.root === 'members');
			if (memberChanges.length === 0) return;
			// Who did it, looked up once for the whole batch (a batch may remove many members).
			const actor = authorId === null ? null : findAccountById(deps.db, authorId);
			const by: Actor = {
				id: authorId,
				name:
					authorId === null
						? null
						: actor?.name || document.index.member(authorId)?.name || 'A Project Admin',
				askWhom: actor ? `${actor.name} (${actor.email})` : null,
				portalName: via ? (findPortal(deps.db, via.portalId)?.name ?? null) : null
			};
			for (const change of memberChanges) {
				const news = newsOf(document, by, change, deps.now());
				if (news) tell(deps, document, news.member, news.news, by);
			}
		}
	};
}

/** Who made a batch of changes, as the news and the mail name them. */
interface Actor {
	/** Null: the server (an operator's command). */
	id: string | null;
	name: string | null;
	/** "Name (email)" of whom to ask; null when the server did it. */
	askWhom: string | null;
	portalName: string | null;
}

/** The member a change is news to, and the news; null when it is nobody's news. */
function newsOf(
	document: LiveDocument,
	by: Actor,
	change: EntryChange,
	now: number
): { member: Member; news: MembershipNews } | null {
	const before = readMember(change.key, change.before);
	// A new member hears from their invitation or from the decision on their request.
	if (!before || by.id === before.accountId) return null;
	const after = change.after === undefined ? null : readMember(change.key, change.after);
	if (change.after !== undefined && !after) return null;
	const news = membershipNews({
		ended: endedAsPlanned(before, by.id, now),
		actorName: by.name,
		portalName: by.portalName,
		projectName: document.index!.project.name,
		before,
		after,
		views: [...document.root('views').values()] as Array<{ id: string; name: string }>
	});
	return news ? { member: before, news } : null;
}

function readMember(key: string, value: unknown): Member | null {
	return (readStoredEntry('project', 'members', key, value) as Member | undefined) ?? null;
}

function tell(
	deps: MembershipNewsDeps,
	document: LiveDocument,
	member: Member,
	news: MembershipNews,
	by: Actor
): void {
	const projectId = document.index!.project.id;
	leaveNotice(
		deps.registry,
		member.accountId,
		{ kind: news.kind, projectId, text: news.text },
		deps.now()
	);
	// Data views change with the work; a role or a place in the project is worth a mail.
	if (news.kind === 'views-changed') return;
	const account = findAccountById(deps.db, member.accountId);
	deps.mailer.enqueue(
		membershipChangedMail({
			site: deps.site,
			to: account?.email ?? member.email,
			name: account?.name || member.name,
			subject: news.subject,
			text: news.text,
			askWhom: by.askWhom,
			path: news.kind === 'removed-from-project' ? '/' : `/projects/${projectId}`
		})
	);
}
