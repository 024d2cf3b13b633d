import type { ResolvedPathname } from '$app/types';

/** What a notice says and how loudly: errors interrupt (role="alert"), the rest wait their turn. */
export type NoticeTone = 'info' | 'success' | 'warning' | 'error';

/**
 * What a notice is about, where it matters beyond its words:
 * - `confirmation`: the person's own action went through ("Your name is saved."); it leaves by
 *   itself after a few seconds;
 * - `refused`: a change of the person's was not saved (refused by the server, replaced by someone
 *   else's, or dropped with the access it needed); the sync indicator counts these until they are
 *   dismissed;
 * - `news`: something another person or the server did to the person (their role changed, they
 *   were removed); it stays until dismissed.
 * A notice without a kind is a plain message: it stays until dismissed.
 */
export type NoticeKind = 'confirmation' | 'refused' | 'news';

export interface NoticeItem {
	id: string;
	tone: NoticeTone;
	kind?: NoticeKind;
	/** A short lead such as "Your change was not saved". */
	title?: string;
	/** What happened: the reason or detail, e.g. the policy's message. */
	message: string;
	/** What the person can do about it, as a sentence of its own. */
	hint?: string;
	/** When it happened (milliseconds since the epoch), when that is worth saying. */
	at?: number;
	/** A link to where the person can act. */
	action?: { label: string; href: ResolvedPathname };
	/**
	 * Notices with the same key are one notice: a later one replaces an earlier (or, when the
	 * same words come again, counts it). Without a key, the words are the key.
	 */
	key?: string;
	/** How many times the same notice came; shown from 2 on. */
	count?: number;
	/** For a `refused` notice: how many changes it reports not saved. @default 1 */
	unsaved?: number;
}

/** A notice that leaves by itself: a plain confirmation, with nothing to act on. */
export function dismissesItself(notice: Pick<NoticeItem, 'kind' | 'action'>): boolean {
	return notice.kind === 'confirmation' && notice.action === undefined;
}

/** How long a confirmation stays (while not hovered or focused). */
export const CONFIRMATION_MS = 6000;

/** Two notices that are the same for the person: same key, or same words. */
export function sameNotice(a: NoticeItem, b: Omit<NoticeItem, 'id'>): boolean {
	if (a.key !== undefined || b.key !== undefined) return a.key === b.key;
	return (
		a.tone === b.tone &&
		a.title === b.title &&
		a.message === b.message &&
		a.hint === b.hint &&
		a.kind === b.kind
	);
}
