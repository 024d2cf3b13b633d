/**
 * Turns what the sync hub reports into notices, for the console and the embedded widget alike:
 * refused changes, changes another one replaced, access withdrawn, and changes that went with a
 * deleted copy. The words are sync-wording.ts's; the facts (names, roles, who changed what) are
 * read from the project document as this device holds it when the report arrives.
 *
 * Keys keep one event one notice: an entry's refusal replaces its earlier one; "access removed"
 * is said once per project (the project's closing covers its data views'), and not at all once
 * the news of who removed the person, from their user document, is on screen (`news:<project>`).
 */
import {
	parseDocumentName,
	PROJECT_SETTINGS_KEY,
	projectDocument,
	type CloseReason,
	type DataView,
	type Member,
	type MembershipNews,
	type Notice,
	type ProjectInfo
} from '../shared';
import type { ClosedCopy, LostChange, RefusedChange } from '../sync/document-session';
import type { SyncHub } from '../sync/sync-hub';
import {
	describeClose,
	describeLoss,
	describeRefusal,
	describeUnsent,
	type SyncWordingContext
} from '../sync-wording';
import type { NoticeItem } from '../components/notice-types';
import type { NewNotice, NoticeBoard } from './notice-board.svelte';

export interface SyncNoticeOptions {
	/** The signed-in person. */
	me: string;
	/** The project's name when its document is not open (the project drop-down knows it). */
	projectName?: (projectId: string) => string | undefined;
	/** Told of every close first; returns true when it took care of it (a session that ended). */
	onClose?: (document: string, reason: CloseReason) => boolean;
	/** Where the person can make a change to a document again (none inside a portal's widget). */
	pageOf?: (document: string) => NoticeItem['action'];
}

/** The titles of the news the server leaves in the user document, by kind. */
export const NEWS_TITLES: Record<Notice['kind'], string> = {
	'added-to-project': 'Added to a project',
	'removed-from-project': 'Removed from a project',
	'role-changed': 'Your role changed',
	'views-changed': 'Your data views changed',
	'end-date-changed': 'When your access ends changed',
	'request-decided': 'Your request was decided'
};

/** The key prefix of the news about the person in a project (membership-news.ts). */
export function newsKey(projectId: string): string {
	return `news:${projectId}:`;
}

/** The key prefix of "access removed" notices of a project and its data views. */
function accessKey(projectId: string): string {
	return `access:${projectId}:`;
}

/** What this device knows about the project a document belongs to. */
export function wordingContext(
	hub: SyncHub,
	document: string,
	options: SyncNoticeOptions
): SyncWordingContext {
	const name = parseDocumentName(document);
	const projectId = name && name.kind !== 'user' ? name.projectId : null;
	const project = projectId ? hub.get(projectDocument(projectId)) : undefined;
	const info = project?.map<ProjectInfo>('settings').get(PROJECT_SETTINGS_KEY);
	return {
		me: options.me,
		projectName: info?.name ?? (projectId ? options.projectName?.(projectId) : null) ?? null,
		member: (accountId) => project?.map<Member>('members').get(accountId),
		viewName: (viewId) => project?.map<DataView>('views').get(viewId)?.name
	};
}

// ---- the notices, one builder per kind ------------------------------------------------------

/** A change of the person's that the server refused. */
export function refusalNotice(
	document: string,
	change: RefusedChange,
	context: SyncWordingContext,
	action?: NoticeItem['action']
): NewNotice {
	return {
		tone: 'error',
		kind: 'refused',
		key: `refused:${document}:${change.rejection.root}:${change.rejection.key}`,
		action,
		...describeRefusal(change, context)
	};
}

/** A change of the person's that somebody else's later change replaced. */
export function lossNotice(
	document: string,
	change: LostChange,
	context: SyncWordingContext,
	action?: NoticeItem['action']
): NewNotice {
	return {
		tone: 'warning',
		kind: 'refused',
		key: `lost:${document}:${change.root}:${change.key}`,
		action,
		...describeLoss(change, context)
	};
}

/** Changes that went with a copy the server had the device delete or reload. */
export function unsentNotice(
	document: string,
	reason: CloseReason,
	unsent: number,
	context: SyncWordingContext
): NewNotice {
	return {
		tone: 'error',
		kind: 'refused',
		unsaved: unsent,
		key: `unsent:${document}`,
		...describeUnsent(document, reason, unsent, context)
	};
}

/** News of something done to the person's access, which they should not miss. */
const ACCESS_NEWS: ReadonlySet<Notice['kind']> = new Set([
	'removed-from-project',
	'role-changed',
	'views-changed',
	'end-date-changed'
]);

/** The server's news in the user document: removed, role or data views changed, request decided. */
export function newsNotice(notice: Notice): NewNotice {
	return {
		tone: ACCESS_NEWS.has(notice.kind) ? 'warning' : 'info',
		kind: 'news',
		title: NEWS_TITLES[notice.kind],
		message: notice.text,
		at: notice.at,
		key: `${newsKey(notice.projectId)}${notice.id}`
	};
}

/** News the embedded widget words itself: somebody else changed the person's role or views. */
export function ownMembershipNotice(
	projectId: string,
	news: MembershipNews,
	at: number
): NewNotice {
	return newsNotice({ id: String(at), at, kind: news.kind, projectId, text: news.text });
}

/**
 * News of what was done to the person in a project: shown, and in place of a general "access
 * removed" that the closing of the project's documents said already (a role change leaves the
 * access as it is, so what was said stands).
 */
export function tellNews(board: NoticeBoard, notice: Notice): void {
	if (notice.kind === 'removed-from-project' || notice.kind === 'views-changed')
		board.dismissKey(accessKey(notice.projectId));
	board.post(newsNotice(notice));
}

/** Listens to the hub until the returned function is called. */
export function explainSync(
	hub: SyncHub,
	board: NoticeBoard,
	options: SyncNoticeOptions
): () => void {
	const context = (document: string) => wordingContext(hub, document, options);
	const refused = (document: string, changes: RefusedChange[]) => {
		for (const change of changes)
			board.post(refusalNotice(document, change, context(document), options.pageOf?.(document)));
	};
	const lost = (document: string, change: LostChange) =>
		board.post(lossNotice(document, change, context(document), options.pageOf?.(document)));
	const closed = (document: string, reason: CloseReason, copy: ClosedCopy) => {
		if (options.onClose?.(document, reason)) return;
		const words = context(document);
		if (copy.unsent > 0) board.post(unsentNotice(document, reason, copy.unsent, words));
		const told = describeClose(document, reason, copy, words);
		if (!told) return;
		const { tone, accessLost, ...text } = told;
		const name = parseDocumentName(document);
		if (!accessLost || !name || name.kind === 'user') {
			board.post({ tone, kind: 'news', ...text });
			return;
		}
		const { projectId } = name;
		if (board.hasKey(newsKey(projectId))) return;
		if (name.kind === 'project') board.dismissKey(accessKey(projectId));
		else if (board.hasKey(accessKey(projectId))) return;
		board.post({ tone, kind: 'news', key: `${accessKey(projectId)}${document}`, ...text });
	};
	hub.on('rejected', refused);
	hub.on('lost', lost);
	hub.on('closed', closed);
	return () => {
		hub.off('rejected', refused);
		hub.off('lost', lost);
		hub.off('closed', closed);
	};
}
