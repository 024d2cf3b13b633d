/**
 * Closes access reviews at their due date, by the server's clock: a timer wakes when the earliest
 * open review falls due (or after `checkIntervalMs` at the latest), and at start, so that a review
 * that fell due while the server was down closes as soon as it is back. Closing is `closeReview`:
 * once, in one transaction, reporting whoever nobody decided about and removing nobody for it.
 */
import { DueTimer } from '../schedule/due-timer';
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
	readonly #timer: DueTimer;

	constructor(deps: ReviewSchedulerDeps) {
		this.#deps = deps;
		this.#timer = new DueTimer({
			runDue: () => this.runDue(),
			nextDueAt: () => earliestDueAt(deps.db),
			now: deps.now,
			log: deps.log,
			failure: 'closing due reviews failed',
			longestSleepMs: deps.checkIntervalMs,
			// A review that would not close (its project is gone) is looked at again later.
			retryMs: deps.checkIntervalMs
		});
	}

	start(): void {
		this.#timer.start();
	}

	stop(): void {
		this.#timer.stop();
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
}
