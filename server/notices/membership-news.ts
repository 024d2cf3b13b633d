/**
 * A person is told what happened to them: when somebody else removes a member from a project,
 * changes their role or moves them out of data views, the member finds a notice in their user
 * document (the console shows it, on every device, also after being offline) and, for a removal
 * or a role change, a mail. Only accepted changes reach this extension, so a refused change is
 * never told as done; a person's own change (stepping down, leaving) is theirs and not told back.
 * The words are `membershipNews` (src/lib/shared/membership-news.ts).
 */
import {
	membershipNews,
	newId,
	readStoredEntry,
	userDocument,
	type EntryChange,
	type Member,
	type MembershipNews,
	type Notice
} from '../../src/lib/shared';
import { findAccountById } from '../auth/accounts';
import type { Db } from '../db/database';
import { findPortal } from '../embed/portals';
import type { MailQueue } from '../mail/mailer';
import { membershipChangedMail, type SiteUrl } from '../mail/templates';
import type { DocumentExtension } from '../sync/extensions';
import type { LiveDocument, Via } from '../sync/live-document';
import type { DocumentRegistry } from '../sync/registry';

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
			for (const change of changes) {
				if (change.root !== 'members') continue;
				const news = newsOf(deps, document, authorId, change, via);
				if (news) tell(deps, document, news.member, news.news, authorId);
			}
		}
	};
}

/** The member a change is news to, and the news; null when it is nobody's news. */
function newsOf(
	deps: MembershipNewsDeps,
	document: LiveDocument,
	authorId: string | null,
	change: EntryChange,
	via: Via | null
): { member: Member; news: MembershipNews } | null {
	const before = readMember(change.key, change.before);
	// A new member hears from their invitation or from the decision on their request.
	if (!before || authorId === before.accountId) return null;
	const after = change.after === undefined ? null : readMember(change.key, change.after);
	if (change.after !== undefined && !after) return null;
	const index = document.index!;
	const news = membershipNews({
		actorName: authorId === null ? null : nameOf(deps, document, authorId),
		portalName: via ? (findPortal(deps.db, via.portalId)?.name ?? null) : null,
		projectName: index.project.name,
		before,
		after,
		views: [...document.root('views').values()] as Array<{ id: string; name: string }>
	});
	return news ? { member: before, news } : null;
}

function readMember(key: string, value: unknown): Member | null {
	return (readStoredEntry('project', 'members', key, value) as Member | undefined) ?? null;
}

function nameOf(deps: MembershipNewsDeps, document: LiveDocument, accountId: string): string {
	return (
		findAccountById(deps.db, accountId)?.name ||
		document.index!.member(accountId)?.name ||
		'A Project Admin'
	);
}

function tell(
	deps: MembershipNewsDeps,
	document: LiveDocument,
	member: Member,
	news: MembershipNews,
	authorId: string | null
): void {
	const projectId = document.index!.project.id;
	const notice: Notice = {
		id: newId(),
		at: deps.now(),
		kind: news.kind,
		projectId,
		text: news.text.slice(0, 500)
	};
	deps.registry.change(userDocument(member.accountId), (roots) =>
		roots.notices.set(notice.id, notice)
	);
	// Data views change with the work; a role or a place in the project is worth a mail.
	if (news.kind === 'views-changed') return;
	const account = findAccountById(deps.db, member.accountId);
	const actor = authorId === null ? null : findAccountById(deps.db, authorId);
	deps.mailer.enqueue(
		membershipChangedMail({
			site: deps.site,
			to: account?.email ?? member.email,
			name: account?.name || member.name,
			subject: news.subject,
			text: news.text,
			askWhom: actor ? `${actor.name} (${actor.email})` : null,
			path: news.kind === 'removed-from-project' ? '/' : `/projects/${projectId}`
		})
	);
}
