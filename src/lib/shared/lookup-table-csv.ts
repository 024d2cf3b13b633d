/**
 * Turning an uploaded CSV file into a lookup table, or into the full list of what is wrong with
 * it. The server refuses the whole file on any problem (nothing is half-imported); the SPA can run
 * the same checks before uploading, so that a person sees the same report sooner.
 */
import { decodeUtf8, parseCsv, type CsvProblem } from './csv';
import { countOf } from './human-format';
import { LOOKUP_TABLE_LIMITS } from './objects';
import { fail, succeed, type Outcome } from './outcome';

/** Problems listed at most: enough to fix a file, small enough to show. */
export const MAX_CSV_PROBLEMS = 100;

/** A header cell is a column name: the same bounds as `LookupTableSchema.columns`. */
const MAX_COLUMN_NAME_CHARS = 200;

export type LookupTableCsv = Outcome<
	{ columns: string[]; rows: string[][] },
	'invalid-csv',
	{ problems: CsvProblem[] }
>;

export function readLookupTableCsv(bytes: Uint8Array): LookupTableCsv {
	const decoded = decodeUtf8(bytes);
	if (!decoded.ok) {
		return refuse([
			{
				row: decoded.row,
				column: null,
				message:
					'Wrong encoding: the file is not UTF-8 text. Save it as "CSV UTF-8" and upload it again.'
			}
		]);
	}
	const parsed = parseCsv(decoded.text);
	if (parsed.ok) return lookupTableFromRecords(parsed.records);
	// Malformed cells were read leniently, so the table's own problems can be listed beside them;
	// after an unclosed quote the rest of the file is one cell, and would only add noise.
	if (!parsed.complete) return refuse(parsed.problems);
	const table = checkTable(parsed.records);
	return refuse(
		[...parsed.problems, ...table.problems].sort(
			(a, b) => a.row - b.row || (a.column ?? 0) - (b.column ?? 0)
		)
	);
}

export function lookupTableFromRecords(records: string[][]): LookupTableCsv {
	const table = checkTable(records);
	if (table.problems.length > 0) return refuse(table.problems);
	return succeed({ columns: table.columns, rows: table.rows });
}

function checkTable(records: string[][]): {
	problems: CsvProblem[];
	columns: string[];
	rows: string[][];
} {
	const [header, ...rows] = withoutTrailingBlankLines(records);
	if (!header) {
		const empty = 'The file is empty: its first row names the columns.';
		return { problems: [{ row: 1, column: null, message: empty }], columns: [], rows: [] };
	}
	return {
		problems: [...headerProblems(header), ...rowProblems(rows, header.length)],
		columns: header.map((name) => name.trim()),
		rows
	};
}

/** Editors often leave empty lines at the end of a file; they are not rows of the table. */
function withoutTrailingBlankLines(records: string[][]): string[][] {
	let end = records.length;
	while (end > 0 && records[end - 1]!.length === 1 && records[end - 1]![0] === '') end -= 1;
	return records.slice(0, end);
}

function headerProblems(header: string[]): CsvProblem[] {
	const problems: CsvProblem[] = [];
	if (header.length > LOOKUP_TABLE_LIMITS.columns) {
		problems.push({
			row: 1,
			column: null,
			message: `The table has ${header.length} columns; at most ${LOOKUP_TABLE_LIMITS.columns} are allowed.`
		});
	}
	const seen = new Map<string, number>();
	header.forEach((cell, index) => {
		const column = index + 1;
		const name = cell.trim();
		if (name === '') {
			problems.push({ row: 1, column, message: `Column ${column} has no name in the header.` });
			return;
		}
		if (name.length > MAX_COLUMN_NAME_CHARS) {
			problems.push({
				row: 1,
				column,
				message: `The name of column ${column} has ${name.length} characters; at most ${MAX_COLUMN_NAME_CHARS} are allowed.`
			});
		}
		// Names differing only in case would be the same column to whoever maps a property to it.
		const first = seen.get(name.toLowerCase());
		if (first !== undefined) {
			problems.push({
				row: 1,
				column,
				message: `Column ${column} repeats the name "${name}" of column ${first}.`
			});
		} else seen.set(name.toLowerCase(), column);
	});
	return problems;
}

function rowProblems(rows: string[][], width: number): CsvProblem[] {
	const problems: CsvProblem[] = [];
	const checked = rows.slice(0, LOOKUP_TABLE_LIMITS.rows);
	checked.forEach((cells, index) => {
		const row = index + 2;
		if (cells.length !== width) {
			problems.push({
				row,
				column: null,
				message: `Row ${row} has ${countOf(cells.length, 'cell')}; the header has ${width}.`
			});
		}
		cells.forEach((cell, cellIndex) => {
			if (cell.length > LOOKUP_TABLE_LIMITS.cellChars) {
				problems.push({
					row,
					column: cellIndex + 1,
					message: `The cell has ${cell.length} characters; at most ${LOOKUP_TABLE_LIMITS.cellChars} are allowed.`
				});
			}
		});
	});
	if (rows.length > LOOKUP_TABLE_LIMITS.rows) {
		problems.push({
			row: LOOKUP_TABLE_LIMITS.rows + 2,
			column: null,
			message: `The table has ${rows.length} rows besides the header; at most ${LOOKUP_TABLE_LIMITS.rows} are allowed.`
		});
	}
	return problems;
}

function refuse(problems: CsvProblem[]): LookupTableCsv {
	const count = problems.length;
	const message =
		count === 1
			? 'The file has a problem; nothing was imported.'
			: count > MAX_CSV_PROBLEMS
				? `The file has ${count} problems (the first ${MAX_CSV_PROBLEMS} are listed); nothing was imported.`
				: `The file has ${count} problems; nothing was imported.`;
	return fail('invalid-csv', message, { problems: problems.slice(0, MAX_CSV_PROBLEMS) });
}
