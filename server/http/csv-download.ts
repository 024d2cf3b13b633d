/**
 * A CSV file as an API response: UTF-8 with a byte order mark, a header row, RFC 4180 quoting
 * (formatCsv), saved under the given file name rather than shown.
 */
import { formatCsv } from '../../src/lib/shared';
import type { ApiResponse } from './router';

export function csvDownload(
	filename: string,
	rows: readonly (readonly string[])[],
	headers: Record<string, string> = {}
): ApiResponse {
	return {
		file: { contentType: 'text/csv; charset=utf-8', content: formatCsv(rows) },
		headers: { 'Content-Disposition': attachment(filename), ...headers }
	};
}

/** RFC 6266: an ASCII name for every client, and the exact name for those that read `filename*`. */
function attachment(filename: string): string {
	const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** A name safe in a file name: letters, digits and dashes. */
export function fileNamePart(name: string): string {
	return (
		name
			.normalize('NFKD')
			.replace(/[^\p{L}\p{N}]+/gu, '-')
			.replace(/^-+|-+$/g, '')
			.toLowerCase()
			.slice(0, 60) || 'export'
	);
}

/** Milliseconds since the epoch as ISO 8601 in UTC, which spreadsheets read as a time. */
export function isoTime(time: number): string {
	return new Date(time).toISOString();
}
