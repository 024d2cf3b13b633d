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

/** Whether the name is a time zone this runtime knows ("Europe/Helsinki", "UTC"). */
export function isTimeZone(name: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: name });
		return true;
	} catch {
		return false;
	}
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The last millisecond of a calendar day ("2027-08-31") in a time zone: an end date written as a
 * day means access until that day is over where the person who wrote it is. Null for text that is
 * not such a day (a month 13, a 30 February).
 */
export function endOfDayIn(day: string, timeZone: string): number | null {
	const match = ISO_DAY.exec(day);
	if (!match) return null;
	const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const start = Date.UTC(year, month - 1, date);
	const check = new Date(start);
	if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1) return null;
	return startOfDayIn(start + 86_400_000, timeZone) - 1;
}

/** The first moment of the day that starts at UTC midnight `utcMidnight`, in the time zone. */
function startOfDayIn(utcMidnight: number, timeZone: string): number {
	// The zone's offset at the guess, then at the corrected guess: right across a change of offset.
	let moment = utcMidnight - offsetIn(utcMidnight, timeZone);
	moment = utcMidnight - offsetIn(moment, timeZone);
	return moment;
}

/** A format per time zone: making one costs more than using it many times. */
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** How far the time zone's clock is ahead of UTC at this moment, in milliseconds. */
function offsetIn(moment: number, timeZone: string): number {
	let format = offsetFormats.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		offsetFormats.set(timeZone, format);
	}
	const parts = format.formatToParts(moment);
	const field = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
	const wall = Date.UTC(
		field('year'),
		field('month') - 1,
		field('day'),
		field('hour'),
		field('minute'),
		field('second')
	);
	return wall - (moment - (((moment % 1000) + 1000) % 1000));
}
