/**
 * When a board subscription's digest is due. A subscription keeps its anchor (when its schedule
 * started) and is due at the anchor plus a whole number of periods: every day, every 7 days, or on
 * the anchor's day of every month (the month's last day when it is shorter). Counting from the
 * anchor rather than from the last sending keeps the time of day fixed, however late a sending
 * ran. Times are UTC milliseconds.
 */
import type { Cadence } from './membership';

const DAY_MS = 86_400_000;

export const CADENCE_LABELS: Record<Cadence, string> = {
	daily: 'Daily',
	weekly: 'Weekly',
	monthly: 'Monthly'
};

/** The anchor plus `periods` periods of the cadence. */
export function digestDueAt(cadence: Cadence, anchor: number, periods: number): number {
	switch (cadence) {
		case 'daily':
			return anchor + periods * DAY_MS;
		case 'weekly':
			return anchor + periods * 7 * DAY_MS;
		case 'monthly':
			return addMonths(anchor, periods);
	}
}

/** The first due time strictly after `after` (at least one period after the anchor). */
export function nextDigestAt(cadence: Cadence, anchor: number, after: number): number {
	// Months have at most 31 days, so this first estimate is never past the answer.
	const periodMs = cadence === 'daily' ? DAY_MS : cadence === 'weekly' ? 7 * DAY_MS : 31 * DAY_MS;
	let periods = Math.max(1, Math.floor((after - anchor) / periodMs));
	while (digestDueAt(cadence, anchor, periods) <= after) periods += 1;
	return digestDueAt(cadence, anchor, periods);
}

function addMonths(time: number, months: number): number {
	const date = new Date(time);
	const year = date.getUTCFullYear();
	const month = date.getUTCMonth() + months;
	const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
	return Date.UTC(
		year,
		month,
		Math.min(date.getUTCDate(), lastDay),
		date.getUTCHours(),
		date.getUTCMinutes(),
		date.getUTCSeconds(),
		date.getUTCMilliseconds()
	);
}
