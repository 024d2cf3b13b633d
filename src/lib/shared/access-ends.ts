/**
 * Access that ends (docs/workflows.md): a membership's end date as people choose and read it. An
 * end date is a calendar day, and access lasts until the end of that day in UTC, so that the
 * console, the mails, the audit log and its CSV file all name the same day to every reader,
 * wherever they are; `endsAt` (membership.ts) holds the last millisecond of that day.
 */
import { formatDate } from './human-format';
import { endsAtOf } from './membership';
import { fail, succeed, type Outcome } from './outcome';

/** The time zone end dates are days of. */
export const END_DATE_TIME_ZONE = 'UTC';

const DAY_MS = 24 * 3600 * 1000;

/** How many days before its end date the member and the project's admins are reminded, once each. */
export const REMINDER_DAYS = [7, 1] as const;
export type ReminderDays = (typeof REMINDER_DAYS)[number];

export function daysInMs(days: number): number {
	return days * DAY_MS;
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The last moment of a day written as a date input (and a CSV file) writes it, "2026-08-31"; null
 * when it is no such day ("2026-02-30").
 */
export function endOfDay(day: string): number | null {
	const match = DAY_PATTERN.exec(day.trim());
	if (!match) return null;
	const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const start = Date.UTC(year, month - 1, date);
	const parsed = new Date(start);
	if (parsed.getUTCFullYear() !== year || parsed.getUTCMonth() !== month - 1) return null;
	return start + DAY_MS - 1;
}

/** Why an end date cannot be set: its day has passed (the policy's and the forms' words). */
export function endDatePassed(endsAt: number): string {
	return `An end date must be in the future: ${formatEndDate(endsAt)} has already passed.`;
}

/**
 * An end date as a person gives it, in a date field or a CSV cell: empty for none, else a day
 * ("2026-08-31") that has not passed by `now`, as its last moment.
 */
export function readEndDay(
	day: string,
	now: number
): Outcome<{ endsAt: number | null }, 'invalid-end-date' | 'end-date-past'> {
	if (day.trim() === '') return succeed({ endsAt: null });
	const endsAt = endOfDay(day);
	if (endsAt === null)
		return fail('invalid-end-date', `“${day.trim()}” is not a day: write it as 2026-08-31.`);
	return hasEnded(endsAt, now) ? fail('end-date-past', endDatePassed(endsAt)) : succeed({ endsAt });
}

/** The day an end date falls on, as a date input holds it: "2026-08-31". */
export function endDay(endsAt: number): string {
	return new Date(endsAt).toISOString().slice(0, 10);
}

/** The day of an end date as people read it: "31 Aug 2026". */
export function formatEndDate(endsAt: number): string {
	return formatDate(endsAt, END_DATE_TIME_ZONE);
}

/** What the Users tab shows beside a member whose access ends: "Until 31 Aug 2026". */
export function accessUntil(endsAt: number): string {
	return `Until ${formatEndDate(endsAt)}`;
}

/** Whether access with this end date is over at `now`: the end date is its last moment. */
export function hasEnded(endsAt: number | null, now: number): boolean {
	return endsAt !== null && endsAt < now;
}

/**
 * Whether a removal was the server ending access on its date: made by the server (`authorId`
 * null) at `at`, of a membership whose end date had come. An operator's removal of a Project
 * Admin (`remove-admin`) is the server's too, but before any end date.
 */
export function endedAsPlanned(
	before: { endsAt?: number | null },
	authorId: string | null,
	at: number
): boolean {
	const endsAt = endsAtOf(before);
	return authorId === null && hasEnded(endsAt, at);
}
