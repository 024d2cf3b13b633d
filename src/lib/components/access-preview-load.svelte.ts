/**
 * A change's preview as a confirmation shows it: what the console can say at once (from the
 * project document it holds) and, when the server answers, its preview with the subscriptions,
 * which only the server knows. Both are the policy's `previewAccessChange`; the server's answer
 * replaces the first. An answer to an earlier question (the person changed their choice meanwhile)
 * is dropped.
 */
import type { AccessPreview } from '$lib/shared';

export interface PreviewLoad {
	/** Made in the browser: everything but the subscriptions (`subscriptionsKnown` false). */
	now: AccessPreview;
	/** The server's preview, or null when it could not be asked (offline, or it refused). */
	later: Promise<AccessPreview | null>;
}

export class PreviewState {
	preview = $state<AccessPreview | null>(null);
	/** The server has been asked and has not answered yet. */
	checking = $state(false);
	#asked = 0;

	show(load: PreviewLoad | null): void {
		const asked = ++this.#asked;
		this.preview = load?.now ?? null;
		this.checking = load !== null;
		void load?.later.then((answer) => {
			if (asked !== this.#asked) return;
			if (answer) this.preview = answer;
			this.checking = false;
		});
	}
}
