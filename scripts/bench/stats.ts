/**
 * The statistics of the benchmarks, and the order they run in: every variant is measured in every
 * round, and the one that goes first moves on by one from round to round, so that warming up, a
 * neighbour's load and the garbage collector fall on every variant alike.
 */

export function median(values: readonly number[]): number {
	return percentile(values, 50);
}

/** The nearest-rank percentile; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[index] ?? Number.NaN;
}

export function minimum(values: readonly number[]): number {
	return values.length ? Math.min(...values) : Number.NaN;
}

/**
 * The order of each round: round r starts with the variant r places on (ABC, BCA, CAB, ...), so
 * that over as many rounds as variants each goes first, and last, once.
 */
export function interleavedRounds<T>(variants: readonly T[], rounds: number): T[][] {
	return Array.from({ length: rounds }, (_, round) =>
		variants.map((_, index) => variants[(index + round) % variants.length]!)
	);
}

/** The smallest and the largest value. */
export function range(values: readonly number[]): [number, number] {
	return [Math.min(...values), Math.max(...values)];
}
