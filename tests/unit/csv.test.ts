import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	LOOKUP_TABLE_LIMITS,
	MAX_CSV_PROBLEMS,
	decodeUtf8,
	formatCsv,
	parseCsv,
	readLookupTableCsv
} from '../../src/lib/shared';

const utf8 = (text: string) => new TextEncoder().encode(text);

function records(text: string): string[][] {
	const parsed = parseCsv(text);
	if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
	return parsed.records;
}

describe('reading CSV (RFC 4180)', () => {
	it('reads quoted cells with commas, doubled quotes and line breaks', () => {
		expect(records('code,label\r\n"A,1","say ""hi""\r\nagain"\r\n')).toEqual([
			['code', 'label'],
			['A,1', 'say "hi"\r\nagain']
		]);
	});

	it('accepts LF line breaks, a missing final line break and a UTF-8 byte order mark', () => {
		expect(records('\uFEFFa,b\nc,d')).toEqual([
			['a', 'b'],
			['c', 'd']
		]);
	});

	it('keeps empty cells, an empty quoted cell, and an empty line in the middle as a row', () => {
		expect(records('a,,""\n\nb,c,\n')).toEqual([['a', '', ''], [''], ['b', 'c', '']]);
	});

	it('reads nothing from an empty text', () => {
		expect(records('')).toEqual([]);
	});

	it('reports an unclosed quote, a stray quote and text after a closing quote with their row and column', () => {
		expect(parseCsv('a,b\nx"y,"z"w\n"open,1\n')).toEqual({
			ok: false,
			code: 'malformed-csv',
			message: 'The text is not well-formed CSV.',
			problems: [
				{ row: 2, column: 1, message: expect.stringContaining('not quoted') },
				{ row: 2, column: 2, message: expect.stringContaining('follows the closing quote') },
				{ row: 3, column: 1, message: expect.stringContaining('never closed') }
			],
			records: [
				['a', 'b'],
				['x"y', 'z']
			],
			complete: false
		});
	});

	it('finds the row of the first byte that is not UTF-8', () => {
		const latin1 = Uint8Array.from([...utf8('name\nok\ncaf'), 0xe9, ...utf8('\n')]);
		expect(decodeUtf8(latin1)).toMatchObject({ ok: false, code: 'not-utf8', row: 3 });
		expect(decodeUtf8(utf8('\uFEFFcafé'))).toEqual({ ok: true, text: 'café' });
	});

	it('refuses overlong forms, surrogates and cut sequences where they start', () => {
		for (const bad of [
			[0xc0, 0xaf],
			[0xed, 0xa0, 0x80],
			[0xf4, 0x90, 0x80, 0x80],
			[0xe2, 0x82]
		]) {
			expect(decodeUtf8(Uint8Array.from([...utf8('a\nb\n'), ...bad]))).toMatchObject({
				ok: false,
				row: 3
			});
		}
	});

	it('agrees with the platform’s UTF-8 decoder on any bytes', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
				let valid = true;
				try {
					new TextDecoder('utf-8', { fatal: true }).decode(bytes);
				} catch {
					valid = false;
				}
				expect(decodeUtf8(bytes).ok).toBe(valid);
			}),
			{ numRuns: 2000 }
		);
	});
});

describe('writing CSV for spreadsheets', () => {
	it('starts with a byte order mark, ends rows with CRLF, and quotes only what needs it', () => {
		expect(
			formatCsv([
				['a', 'b,c'],
				['say "hi"', 'two\nlines']
			])
		).toBe('\uFEFFa,"b,c"\r\n"say ""hi""","two\nlines"\r\n');
	});

	it('writes cells that a spreadsheet would run as formulas as text', () => {
		expect(formatCsv([['=HYPERLINK("x")', '+1', '-2', '@SUM', 'plain']])).toBe(
			'\uFEFF"\'=HYPERLINK(""x"")",\'+1,\'-2,\'@SUM,plain\r\n'
		);
	});

	it('reads back what it wrote', () => {
		const rows = [
			['Name', 'Notes'],
			['Åsa, Ørjan', 'a "quoted" word'],
			['multi', 'line\r\nvalue'],
			['', 'empty first']
		];
		expect(records(formatCsv(rows))).toEqual(rows);
	});
});

describe('a lookup table from an uploaded file', () => {
	it('trims the column names and keeps the cells as they are', () => {
		expect(readLookupTableCsv(utf8(' code , label\nA1, Aurora \n\n'))).toEqual({
			ok: true,
			columns: ['code', 'label'],
			rows: [['A1', ' Aurora ']]
		});
	});

	it('reports every problem with its row and column: ragged rows, empty and repeated names, long cells', () => {
		const long = 'x'.repeat(LOOKUP_TABLE_LIMITS.cellChars + 1);
		const result = readLookupTableCsv(utf8(`id,,ID\n1,2,3\n4,5\n6,7,${long}\n`));
		expect(result).toEqual({
			ok: false,
			code: 'invalid-csv',
			message: 'The file has 4 problems; nothing was imported.',
			problems: [
				{ row: 1, column: 2, message: 'Column 2 has no name in the header.' },
				{ row: 1, column: 3, message: 'Column 3 repeats the name "ID" of column 1.' },
				{ row: 3, column: null, message: 'Row 3 has 2 cells; the header has 3.' },
				{ row: 4, column: 3, message: 'The cell has 501 characters; at most 500 are allowed.' }
			]
		});
	});

	it('refuses too many columns and too many rows', () => {
		const wide = Array.from({ length: LOOKUP_TABLE_LIMITS.columns + 1 }, (_, i) => `c${i}`);
		expect(readLookupTableCsv(utf8(wide.join(',')))).toMatchObject({
			ok: false,
			problems: [
				{ row: 1, column: null, message: 'The table has 51 columns; at most 50 are allowed.' }
			]
		});
		const tall = `k\n${'v\n'.repeat(LOOKUP_TABLE_LIMITS.rows + 1)}`;
		expect(readLookupTableCsv(utf8(tall))).toMatchObject({
			ok: false,
			problems: [{ row: LOOKUP_TABLE_LIMITS.rows + 2, column: null }]
		});
	});

	it('lists at most the first problems of a very broken file, and says how many there are', () => {
		const broken = `a,b\n${'1\n'.repeat(MAX_CSV_PROBLEMS + 20)}`;
		const result = readLookupTableCsv(utf8(broken));
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.problems).toHaveLength(MAX_CSV_PROBLEMS);
		expect(result.message).toBe(
			`The file has ${MAX_CSV_PROBLEMS + 20} problems (the first ${MAX_CSV_PROBLEMS} are listed); nothing was imported.`
		);
	});

	it('refuses a file in another encoding, saying so', () => {
		const result = readLookupTableCsv(Uint8Array.from([...utf8('name\n'), 0x4d, 0xfc, 0x6c]));
		expect(result).toMatchObject({
			ok: false,
			problems: [{ row: 2, column: null, message: expect.stringContaining('Wrong encoding') }]
		});
	});

	it('refuses an empty file', () => {
		expect(readLookupTableCsv(utf8(''))).toMatchObject({
			ok: false,
			problems: [{ row: 1, message: expect.stringContaining('empty') }]
		});
	});
});
