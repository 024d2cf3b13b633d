/**
 * The notices on screen, for the console and for the embedded widget. A notice that is the same
 * as one already shown (same key, or same words) does not stack up: the same words count it
 * ("3 times"), new words under the same key replace the old ones in place. Changes of the
 * person's that were not saved are counted for the sync indicator until their notices are
 * dismissed.
 */
import { sameNotice, type NoticeItem, type NoticeTone } from '../components/notice-types';

export type NewNotice = Omit<NoticeItem, 'id' | 'count'>;

export class NoticeBoard {
	notices = $state<NoticeItem[]>([]);

	/** Changes of the person's that were not saved, while their notices are on screen. */
	get unsaved(): number {
		return this.notices
			.filter((notice) => notice.kind === 'refused')
			.reduce((sum, notice) => sum + (notice.unsaved ?? 1) * (notice.count ?? 1), 0);
	}

	/** Whether a notice whose key starts with `prefix` is on screen. */
	hasKey(prefix: string): boolean {
		return this.notices.some((notice) => notice.key?.startsWith(prefix));
	}

	/** Takes away the notices whose key starts with `prefix`: later news says it better. */
	dismissKey(prefix: string): void {
		this.notices = this.notices.filter((notice) => !notice.key?.startsWith(prefix));
	}

	/** Shows a notice, or counts or updates the same one. */
	post(notice: NewNotice): string {
		const index = this.notices.findIndex((shown) => sameNotice(shown, notice));
		if (index < 0) {
			const id = crypto.randomUUID();
			this.notices = [...this.notices, { ...notice, id, count: 1 }];
			return id;
		}
		const shown = this.notices[index]!;
		const repeated =
			shown.message === notice.message &&
			shown.title === notice.title &&
			shown.tone === notice.tone;
		const next: NoticeItem = {
			...notice,
			id: shown.id,
			count: repeated ? (shown.count ?? 1) + 1 : 1
		};
		this.notices = this.notices.map((item, at) => (at === index ? next : item));
		return shown.id;
	}

	/** A plain message; a success is a confirmation of the person's own action, and leaves by itself. */
	notify(tone: NoticeTone, message: string, title?: string): void {
		this.post({ tone, message, title, ...(tone === 'success' ? { kind: 'confirmation' } : {}) });
	}

	dismiss(id: string): void {
		this.notices = this.notices.filter((notice) => notice.id !== id);
	}

	clear(): void {
		this.notices = [];
	}
}
