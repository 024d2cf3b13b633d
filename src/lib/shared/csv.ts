/**
 * CSV as RFC 4180 writes it, read and written by hand so that every problem can be reported with
 * its row and column: fields separated by commas, records by CRLF (LF and a lone CR are accepted
 * too), a field in double quotes may hold commas, line breaks and doubled quotes (""). A UTF-8
 * byte order mark at the start is skipped. The final line break of a file does not start a record;
 * any other line, even an empty one, is a record.
 *
 * Rows and columns are counted from 1 as a spreadsheet shows them: the header is row 1, and a row
 * is a record (a quoted line break does not start a new row).
 */
import { fail, succeed, type Outcome } from './outcome';

export interface CsvProblem {
	row: number;
	/** Null when the problem is about the whole row or file. */
	column: number | null;
	message: string;
}

export type CsvParse = Outcome<
	{ records: string[][] },
	'malformed-csv',
	{
		problems: CsvProblem[];
		/**
		 * The records as far as they could be read, every malformed cell read leniently, so that a
		 * caller can look for its own problems too; cut short at a quote that is never closed.
		 */
		records: string[][];
		/** False when an unclosed quote swallowed the rest of the text. */
		complete: boolean;
	}
>;

export type Utf8Decoding = Outcome<{ text: string }, 'not-utf8', { row: number }>;

const BOM = '\uFEFF';

/**
 * The bytes as UTF-8 text (without a byte order mark), or the row (line) holding the first byte
 * that is not UTF-8: a file saved as Latin-1 or Windows-1252 is refused rather than imported with
 * its accented letters replaced by "�".
 */
export function decodeUtf8(bytes: Uint8Array): Utf8Decoding {
	try {
		return succeed({ text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) });
	} catch {
		const offset = firstInvalidUtf8Byte(bytes);
		let row = 1;
		for (let index = 0; index < offset; index++) if (bytes[index] === 0x0a) row += 1;
		return fail('not-utf8', `The bytes are not UTF-8 text from row ${row} on.`, { row });
	}
}

/**
 * The offset of the first byte that does not belong to a well-formed UTF-8 sequence (the Unicode
 * standard's table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF).
 */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
	let index = 0;
	while (index < bytes.length) {
		const lead = bytes[index]!;
		if (lead < 0x80) {
			index += 1;
			continue;
		}
		const [length, low, high] = sequenceOf(lead);
		if (length === 0 || index + length > bytes.length) return index;
		const second = bytes[index + 1]!;
		if (second < low || second > high) return index;
		for (let next = 2; next < length; next++) {
			const byte = bytes[index + next]!;
			if (byte < 0x80 || byte > 0xbf) return index;
		}
		index += length;
	}
	return bytes.length;
}

/** The length of a sequence led by this byte, and the range its second byte must fall in. */
function sequenceOf(lead: number): [length: number, low: number, high: number] {
	if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
	if (lead === 0xe0) return [3, 0xa0, 0xbf];
	if (lead === 0xed) return [3, 0x80, 0x9f];
	if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
	if (lead === 0xf0) return [4, 0x90, 0xbf];
	if (lead === 0xf4) return [4, 0x80, 0x8f];
	if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
	return [0, 0, 0];
}

/** Parses the whole text; every malformed cell is reported, nothing is guessed. */
export function parseCsv(input: string): CsvParse {
	const text = input.startsWith(BOM) ? input.slice(1) : input;
	const records: string[][] = [];
	const problems: CsvProblem[] = [];
	let record: string[] = [];
	let row = 1;
	let index = 0;
	// True until a character of the current record is read: the final line break of the text
	// then starts no record.
	let atRecordStart = true;
	const lineBreakAt = (at: number) =>
		text[at] === '\r' ? (text[at + 1] === '\n' ? 2 : 1) : text[at] === '\n' ? 1 : 0;
	const endsField = (at: number) => at >= text.length || text[at] === ',' || lineBreakAt(at) > 0;

	while (index < text.length) {
		atRecordStart = false;
		const column = record.length + 1;
		const cell =
			text[index] === '"' ? readQuoted(text, index) : readUnquoted(text, index, endsField);
		if (cell.problem) problems.push({ row, column, message: cell.problem });
		if (cell.unclosed) return malformed(problems, records, false);
		record.push(cell.value);
		index = cell.end;
		if (index >= text.length) {
			records.push(record);
			return outcome(records, problems);
		}
		if (text[index] === ',') {
			index += 1;
			// A comma at the very end of the text ends the record with an empty last cell.
			if (index === text.length) record.push('');
			continue;
		}
		index += lineBreakAt(index);
		records.push(record);
		record = [];
		row += 1;
		atRecordStart = true;
	}
	if (!atRecordStart && record.length > 0) records.push(record);
	return outcome(records, problems);
}

function outcome(records: string[][], problems: CsvProblem[]): CsvParse {
	return problems.length > 0 ? malformed(problems, records, true) : succeed({ records });
}

function malformed(problems: CsvProblem[], records: string[][], complete: boolean): CsvParse {
	return fail('malformed-csv', 'The text is not well-formed CSV.', { problems, records, complete });
}

interface Cell {
	value: string;
	/** Where the character after the cell is: a comma, a line break or the end. */
	end: number;
	problem?: string;
	unclosed?: boolean;
}

/** A quoted cell, from its opening quote to the quote that is not doubled. */
function readQuoted(text: string, start: number): Cell {
	let value = '';
	let index = start + 1;
	for (;;) {
		const next = text.indexOf('"', index);
		if (next < 0) {
			return {
				value,
				end: text.length,
				unclosed: true,
				problem: 'A quoted cell is never closed: a closing double quote (") is missing.'
			};
		}
		value += text.slice(index, next);
		if (text[next + 1] === '"') {
			value += '"';
			index = next + 2;
			continue;
		}
		index = next + 1;
		break;
	}
	if (index >= text.length || text[index] === ',' || text[index] === '\r' || text[index] === '\n')
		return { value, end: index };
	let end = index;
	while (end < text.length && !/[,\r\n]/.test(text[end]!)) end += 1;
	return {
		value,
		end,
		problem:
			'Text follows the closing quote of a quoted cell: write a quote inside a quoted cell as two quotes ("").'
	};
}

function readUnquoted(text: string, start: number, endsField: (at: number) => boolean): Cell {
	let end = start;
	while (!endsField(end)) end += 1;
	const value = text.slice(start, end);
	return value.includes('"')
		? {
				value,
				end,
				problem:
					'A double quote inside a cell that is not quoted: put the whole cell in quotes and write the quote as two ("").'
			}
		: { value, end };
}

export interface CsvFormatOptions {
	/**
	 * Spreadsheets run a cell that starts with =, +, -, @ (or a tab or carriage return) as a
	 * formula, so a name typed by someone else could run in the reader's spreadsheet (CSV
	 * injection). Such cells are written with a leading apostrophe, which spreadsheets show as
	 * text. @default true
	 */
	neutralizeFormulas?: boolean;
}

/**
 * A CSV file for spreadsheets: a UTF-8 byte order mark (so that Excel reads UTF-8), the rows with
 * CRLF line breaks, and a cell quoted when it holds a comma, a quote or a line break.
 */
export function formatCsv(
	rows: readonly (readonly string[])[],
	options: CsvFormatOptions = {}
): string {
	const neutralize = options.neutralizeFormulas ?? true;
	const lines = rows.map((cells) =>
		cells.map((cell) => quoteCell(neutralize ? neutralizeFormula(cell) : cell)).join(',')
	);
	return `${BOM}${lines.map((line) => `${line}\r\n`).join('')}`;
}

function quoteCell(cell: string): string {
	return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

function neutralizeFormula(cell: string): string {
	return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}
