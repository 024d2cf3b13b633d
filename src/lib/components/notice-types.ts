/** What a notice says and how loudly: errors interrupt (role="alert"), the rest wait their turn. */
export type NoticeTone = 'info' | 'success' | 'warning' | 'error';

export interface NoticeItem {
	id: string;
	tone: NoticeTone;
	/** A short lead such as "Your change was refused". */
	title?: string;
	/** The reason or detail, e.g. the policy's message. */
	message: string;
}
