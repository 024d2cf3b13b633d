import { describe, expect, it } from 'vitest';
import { countOf, formatDate, formatDateTime, isoDateTime } from '../../src/lib/shared';

describe('countOf', () => {
	it('says one of a thing in the singular and every other count in the plural', () => {
		expect(countOf(0, 'request')).toBe('0 requests');
		expect(countOf(1, 'recipient')).toBe('1 recipient');
		expect(countOf(3, 'recipient')).toBe('3 recipients');
		expect(countOf(2, 'address', 'addresses')).toBe('2 addresses');
		expect(countOf(1, 'person', 'people')).toBe('1 person');
	});

	it('groups thousands the same way in the browser and on the server', () => {
		expect(countOf(10_000, 'user')).toBe('10,000 users');
	});
});

describe('formatDateTime and formatDate', () => {
	const evening = Date.UTC(2026, 10, 30, 18, 22);

	it('write day, short month, year and a 24-hour time', () => {
		expect(formatDateTime(evening, 'UTC')).toBe('30 Nov 2026 18:22 UTC');
		expect(formatDate(evening, 'UTC')).toBe('30 Nov 2026');
	});

	it('turn the moment into the named time zone, and name it', () => {
		expect(formatDateTime(evening, 'Europe/Helsinki')).toBe('30 Nov 2026 20:22 Europe/Helsinki');
		expect(formatDate(Date.UTC(2026, 10, 30, 23, 30), 'Europe/Helsinki')).toBe('1 Dec 2026');
	});

	it('write midnight as 00 and single-digit days without a leading zero', () => {
		expect(formatDateTime(Date.UTC(2025, 8, 3, 0, 5), 'UTC')).toBe('3 Sep 2025 00:05 UTC');
	});

	it('read ISO strings as well as epoch milliseconds', () => {
		expect(formatDateTime('2026-11-30T18:22:00.000Z', 'UTC')).toBe('30 Nov 2026 18:22 UTC');
		expect(isoDateTime(evening)).toBe('2026-11-30T18:22:00.000Z');
	});

	it('without a zone, use the reader’s and name none', () => {
		expect(formatDateTime(evening)).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}$/);
	});
});
