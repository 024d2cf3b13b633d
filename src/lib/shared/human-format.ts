/**
 * Counts and dates as people read them, said one way everywhere: in the console's pages, in its
 * notices and in its mails ("1 recipient", "3 recipients", "30 Nov 2026 18:22"). Shared, so that a
 * mail and the page it links to say a date the same way.
 */

/** "1 recipient", "3 recipients", "1,200 users"; `pluralForm` for nouns not made with an s. */
export function countOf(count: number, singular: string, pluralForm = `${singular}s`): string {
	return `${count.toLocaleString('en')} ${count === 1 ? singular : pluralForm}`;
}

/** "A", "A and B", "A, B and C": a list as a sentence says it. */
export function listOf(items: readonly string[]): string {
	return items.length <= 1
		? (items[0] ?? '')
		: `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const MONTHS = [
	'Jan',
	'Feb',
	'Mar',
	'Apr',
	'May',
	'Jun',
	'Jul',
	'Aug',
	'Sep',
	'Oct',
	'Nov',
	'Dec'
] as const;

/** The calendar fields of a moment in a time zone (the reader's when none is named). */
const fieldsFormats = new Map<string, Intl.DateTimeFormat>();

function fieldsIn(time: number | string, timeZone: string | undefined) {
	const key = timeZone ?? '';
	let format = fieldsFormats.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			hourCycle: 'h23'
		});
		fieldsFormats.set(key, format);
	}
	const parts = Object.fromEntries(
		format.formatToParts(new Date(time)).map((part) => [part.type, part.value])
	);
	return {
		year: parts.year ?? '',
		month: MONTHS[Number(parts.month) - 1] ?? '',
		day: String(Number(parts.day)),
		hour: (parts.hour ?? '').padStart(2, '0'),
		minute: (parts.minute ?? '').padStart(2, '0')
	};
}

/** "30 Nov 2026": a day, in the reader's time zone (or the one named). */
export function formatDate(time: number | string, timeZone?: string): string {
	const { day, month, year } = fieldsIn(time, timeZone);
	return `${day} ${month} ${year}`;
}

/**
 * "30 Nov 2026 18:22", on a 24-hour clock, in the reader's time zone. Where the reader's zone is
 * not known (a mail), name the zone: `formatDateTime(time, 'UTC')` is "30 Nov 2026 18:22 UTC".
 */
export function formatDateTime(time: number | string, timeZone?: string): string {
	const { day, month, year, hour, minute } = fieldsIn(time, timeZone);
	return `${day} ${month} ${year} ${hour}:${minute}${timeZone ? ` ${timeZone}` : ''}`;
}

/** The machine-readable form for `<time datetime>`. */
export function isoDateTime(time: number | string): string {
	return new Date(time).toISOString();
}
