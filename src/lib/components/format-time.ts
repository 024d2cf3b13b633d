/**
 * Dates as tables and lists show them: short, in the reader's locale and time zone. Accepts what the
 * server and the documents hold: milliseconds since the epoch or an ISO string.
 */
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(time: number | string): string {
	return DATE_TIME.format(new Date(time));
}

export function formatDate(time: number | string): string {
	return DATE.format(new Date(time));
}

export function isoDateTime(time: number | string): string {
	return new Date(time).toISOString();
}
