/**
 * The statistics helper of the benchmarks (scripts/bench/stats.ts): the figures it reports and
 * the order it runs the variants in, which must never decide a figure.
 */
import { describe, expect, it } from 'vitest';
import { interleavedRounds, median, minimum, percentile } from '../../scripts/bench/stats';

describe('benchmark statistics', () => {
	it('takes the middle value, the lower of the two middle ones for an even count', () => {
		expect(median([5, 1, 3])).toBe(3);
		expect(median([4, 1, 3, 2])).toBe(2);
		expect(median([])).toBeNaN();
	});

	it('takes the nearest-rank percentile and the minimum', () => {
		const values = Array.from({ length: 100 }, (_, index) => 100 - index);
		expect(percentile(values, 99)).toBe(99);
		expect(percentile(values, 100)).toBe(100);
		expect(minimum([3, -1, 2])).toBe(-1);
		expect(minimum([])).toBeNaN();
	});

	it('lets every variant go first, and last, once in as many rounds as variants', () => {
		const rounds = interleavedRounds(['a', 'b', 'c'], 3);
		expect(rounds).toEqual([
			['a', 'b', 'c'],
			['b', 'c', 'a'],
			['c', 'a', 'b']
		]);
		expect(interleavedRounds(['a', 'b'], 4)).toEqual([
			['a', 'b'],
			['b', 'a'],
			['a', 'b'],
			['b', 'a']
		]);
	});
});
