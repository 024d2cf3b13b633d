/**
 * Counts the local changes the server has not confirmed yet, for the sync indicator.
 *
 * The server handles one connection's messages in order, so a sync step 1 sent after some updates
 * is answered (by a sync step 2) only once those updates were handled: accepted, or refused and
 * reverted. Each answer therefore confirms every local change made before its question. The
 * provider sends one step 1 of its own when a connection opens; answers come in the order of the
 * questions, so a queue of marks tells which answer confirms what.
 */
export class PendingChanges {
	#made = 0;
	#confirmed = 0;
	/** One entry per step 1 awaiting its answer: the count of changes it confirms, or null. */
	#questions: Array<number | null> = [];

	constructor(
		initiallyPending = 0,
		private readonly onChange: (pending: number) => void = () => {}
	) {
		this.#made = initiallyPending;
	}

	get pending(): number {
		return this.#made - this.#confirmed;
	}

	/** A local change was made (it is sent at once when online, on reconnect otherwise). */
	recordChange(): void {
		this.#made += 1;
		this.onChange(this.pending);
	}

	/** The provider opened a connection and is about to send its own step 1. */
	connectionOpened(): void {
		this.#questions = [null];
	}

	connectionClosed(): void {
		this.#questions = [];
	}

	/** Whether to ask the server now: changes wait, and no question about them is open. */
	needsQuestion(): boolean {
		const asked = this.#questions.reduce<number>(
			(max, mark) => Math.max(max, mark ?? 0),
			this.#confirmed
		);
		return this.#made > asked;
	}

	/** A step 1 is being sent to confirm every change made so far. */
	questionAsked(): void {
		this.#questions.push(this.#made);
	}

	/** A step 2 arrived from the server: the answer to the oldest open question. */
	answerReceived(): void {
		const mark = this.#questions.shift();
		if (mark === undefined || mark === null || mark <= this.#confirmed) return;
		this.#confirmed = mark;
		this.onChange(this.pending);
	}
}
