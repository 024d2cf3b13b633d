/**
 * Closes access reviews at their due date, by the server's clock: a timer wakes when the earliest
 * open review falls due (or after `checkIntervalMs` at the latest), and at start, so that a review
 * that fell due while the server was down closes as soon as it is back. Closing is `closeReview`:
 * once, in one transaction, reporting whoever nobody decided about and removing nobody for it.
 */
import type { Log } from '../observability/log';
import { closeReview, type ReviewDeps } from './closing';
import { dueReviews, earliestDueAt } from './review-store';

export interface ReviewSchedulerDeps extends ReviewDeps {
	/** The longest sleep between two looks at the due dates. */
	checkIntervalMs: number;
	log: Log;
}

/** Reviews closed per turn before the timer yields to other work. */
const BATCH = 50;

export class ReviewScheduler {
	readonly #deps: ReviewSchedulerDeps;
	#timer: NodeJS.Timeout | null = null;
	#stopped = true;

	constructor(deps: ReviewSchedulerDeps) {
		this.#deps = deps;
	}

	start(): void {
		this.#stopped = false;
		this.#schedule(0);
	}

	stop(): void {
		this.#stopped = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
	}

	/** Closes every open review whose due date has come; returns how many it closed. */
	runDue(): number {
		let closed = 0;
		for (;;) {
			const due = dueReviews(this.#deps.db, this.#deps.now(), BATCH);
			const closedNow = due.filter((record) =>
				closeReview(this.#deps, record, 'due-date', null)
			).length;
			closed += closedNow;
			// A review that would not close (its project is gone) must not keep this loop turning.
			if (due.length < BATCH || closedNow < due.length) return closed;
		}
	}

	#schedule(delayMs: number): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = setTimeout(() => this.#wake(), delayMs);
		this.#timer.unref();
	}

	#wake(): void {
		this.#timer = null;
		if (this.#stopped) return;
		try {
			this.runDue();
		} catch (error) {
			// A locked or closed database: try again at the next look rather than end the process.
			this.#deps.log.error({ err: error }, 'closing due reviews failed; trying again later');
		}
		const next = earliestDueAt(this.#deps.db);
		const wait = next === null ? Infinity : next - this.#deps.now();
		// Still due after a run: a review that would not close; look again later, not at once.
		this.#schedule(
			wait > 0 ? Math.min(wait, this.#deps.checkIntervalMs) : this.#deps.checkIntervalMs
		);
	}
}
