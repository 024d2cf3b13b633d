/** Dates as the tables and lists show them: short, in the reader's locale and time zone. */
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(timestamp: number): string {
	return DATE_TIME.format(timestamp);
}

export function isoDateTime(timestamp: number): string {
	return new Date(timestamp).toISOString();
}
