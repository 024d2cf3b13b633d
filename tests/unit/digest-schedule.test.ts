import { describe, expect, it } from 'vitest';
import { nextDigestAt } from '../../src/lib/shared';

const at = (iso: string) => Date.parse(iso);

describe('when a digest is due', () => {
	it('is due one period after the anchor at the earliest', () => {
		const anchor = at('2025-01-15T09:00:00Z');
		expect(nextDigestAt('daily', anchor, anchor)).toBe(at('2025-01-16T09:00:00Z'));
		expect(nextDigestAt('weekly', anchor, anchor)).toBe(at('2025-01-22T09:00:00Z'));
		expect(nextDigestAt('monthly', anchor, anchor)).toBe(at('2025-02-15T09:00:00Z'));
	});

	it('keeps the time of day of the anchor however late it is asked', () => {
		const anchor = at('2025-01-15T09:00:00Z');
		expect(nextDigestAt('daily', anchor, at('2025-03-02T17:45:00Z'))).toBe(
			at('2025-03-03T09:00:00Z')
		);
		expect(nextDigestAt('weekly', anchor, at('2025-01-22T09:00:00Z'))).toBe(
			at('2025-01-29T09:00:00Z')
		);
	});

	it('falls on the last day of shorter months and returns to the anchor day after', () => {
		const anchor = at('2025-01-31T08:00:00Z');
		expect(nextDigestAt('monthly', anchor, anchor)).toBe(at('2025-02-28T08:00:00Z'));
		expect(nextDigestAt('monthly', anchor, at('2025-02-28T08:00:00Z'))).toBe(
			at('2025-03-31T08:00:00Z')
		);
		expect(nextDigestAt('monthly', anchor, at('2026-01-31T07:59:59Z'))).toBe(
			at('2026-01-31T08:00:00Z')
		);
	});
});
