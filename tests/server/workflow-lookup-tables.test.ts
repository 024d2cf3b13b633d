import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv, type LexiconEntry, type LookupTable } from '../../src/lib/shared';
import { TestClock } from '../support/auth';
import type { TestServer } from '../support/server';
import { SyncClient } from '../support/sync';
import { eventually } from '../support/eventually';
import { rawRequest, setUpHarbour, startWorkflowServer } from '../support/workflows';

const MAX_CSV_BYTES = 64 * 1024;

let clock: TestClock;
let server: TestServer;
const clients: SyncClient[] = [];

const utf8 = (text: string) => new TextEncoder().encode(text);

function upload(
	accountId: string,
	body: Uint8Array<ArrayBuffer> | string,
	query = '?name=Branches',
	contentType = 'text/csv'
) {
	return rawRequest(server, accountId, `/api/projects/p1/views/main/lookup-tables${query}`, {
		method: 'POST',
		body,
		contentType
	});
}

function storedTables(): LookupTable[] {
	return server.app.registry.read('view/p1/main', (document) => [
		...(document.root('lookupTables').values() as Iterable<LookupTable>)
	])!;
}

beforeEach(async () => {
	clock = new TestClock(Date.UTC(2025, 0, 15, 9, 0, 0));
	server = await startWorkflowServer({
		clock,
		options: { workflows: { maxCsvBytes: MAX_CSV_BYTES } }
	});
	setUpHarbour(server);
});

afterEach(async () => {
	for (const client of clients.splice(0)) client.destroy();
	await server.close();
});

describe('uploading a lookup table', () => {
	it('writes a good file into the data view, where other clients see it', async () => {
		const iza = new SyncClient(server, 'iza', 'view/p1/main');
		clients.push(iza);
		await iza.synced();
		const file =
			'\uFEFFcode,name,notes\r\nAUR,"Aurora, main","the ""big"" one"\r\nBOR,Borealis,"two\r\nlines"\r\nCOV,Cove,\r\n';
		const response = await upload('cole', utf8(file));
		expect(response.status).toBe(201);
		const created = await response.json();
		expect(created).toEqual({ id: expect.any(String), rows: 3, columns: 3 });

		await eventually(() => iza.map('lookupTables').has(created.id), 'the table to reach Iza');
		expect(iza.map<LookupTable>('lookupTables').get(created.id)).toMatchObject({
			name: 'Branches',
			createdBy: 'cole',
			updatedBy: 'cole',
			createdAt: clock.now(),
			columns: ['code', 'name', 'notes'],
			rows: [
				['AUR', 'Aurora, main', 'the "big" one'],
				['BOR', 'Borealis', 'two\r\nlines'],
				['COV', 'Cove', '']
			]
		});
	});

	it('reports malformed cells, ragged rows and repeated headers with their rows and columns, and writes nothing', async () => {
		const response = await upload('ian', utf8('code,Name,name\nA,1,2\nB,2\nC,"3",4,5\nD,"x"y,6\n'));
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({
			error: {
				code: 'invalid-csv',
				message: 'The file has 4 problems; nothing was imported.',
				problems: [
					{ row: 1, column: 3, message: 'Column 3 repeats the name "name" of column 2.' },
					{ row: 3, column: null, message: 'Row 3 has 2 cells; the header has 3.' },
					{ row: 4, column: null, message: 'Row 4 has 4 cells; the header has 3.' },
					{
						row: 5,
						column: 2,
						message:
							'Text follows the closing quote of a quoted cell: write a quote inside a quoted cell as two quotes ("").'
					}
				]
			}
		});
		expect(storedTables()).toEqual([]);
	});

	it('lists every problem of a file that parses but does not fit a table', async () => {
		const response = await upload('ian', utf8('code,Code,\nA,1,x\nB,2\nC,3,4,5\n'));
		expect(response.status).toBe(400);
		const { error } = await response.json();
		expect(error.code).toBe('invalid-csv');
		expect(error.problems).toEqual([
			{ row: 1, column: 2, message: 'Column 2 repeats the name "Code" of column 1.' },
			{ row: 1, column: 3, message: 'Column 3 has no name in the header.' },
			{ row: 3, column: null, message: 'Row 3 has 2 cells; the header has 3.' },
			{ row: 4, column: null, message: 'Row 4 has 4 cells; the header has 3.' }
		]);
		expect(storedTables()).toEqual([]);
	});

	it('refuses a file in another encoding, saying which row', async () => {
		const latin1 = Uint8Array.from([...utf8('code,name\nMUN,M'), 0xfc, ...utf8('nster\n')]);
		const response = await upload('ian', latin1);
		expect(response.status).toBe(400);
		expect((await response.json()).error.problems).toEqual([
			{
				row: 2,
				column: null,
				message:
					'Wrong encoding: the file is not UTF-8 text. Save it as "CSV UTF-8" and upload it again.'
			}
		]);
		expect(storedTables()).toEqual([]);
	});

	it('answers 413 to a file over the limit, and writes nothing', async () => {
		const huge = `code\n${'x'.repeat(100)}\n`.repeat(Math.ceil(MAX_CSV_BYTES / 100));
		const response = await upload('ian', huge);
		expect(response.status).toBe(413);
		expect((await response.json()).error).toEqual({
			code: 'body-too-large',
			message:
				'The file is larger than 64 KiB, the most a lookup table may be; nothing was imported.'
		});
		expect(storedTables()).toEqual([]);
	});

	it('refuses what is not a CSV upload by someone who reads the view', async () => {
		const json = await upload('ian', '{}', '?name=Branches', 'application/json');
		expect(json.status).toBe(415);
		const unnamed = await upload('ian', 'a\n1\n', '');
		expect(unnamed.status).toBe(400);
		expect((await unnamed.json()).error.fields.name).toBeDefined();
		const outsider = await upload('bea', 'a\n1\n');
		expect(outsider.status).toBe(403);
		expect((await outsider.json()).error.code).toBe('cannot-read-view');
		const elsewhere = await rawRequest(
			server,
			'ian',
			'/api/projects/p1/views/nope/lookup-tables?name=x',
			{
				method: 'POST',
				body: 'a\n1\n',
				contentType: 'text/csv'
			}
		);
		expect(elsewhere.status).toBe(404);
		const crossSite = await fetch(`${server.url}/api/projects/p1/views/main/lookup-tables?name=x`, {
			method: 'POST',
			headers: { Origin: 'https://elsewhere.example', 'Content-Type': 'text/csv' },
			body: 'a\n1\n'
		});
		expect(crossSite.status).toBe(403);
		expect(storedTables()).toEqual([]);
	});
});

describe('downloading the Lexicon as CSV', () => {
	beforeEach(async () => {
		const table = await (
			await upload('iza', 'code,name\nAUR,Aurora\n', '?name=Branch names')
		).json();
		const entry = (name: string, fields: Partial<LexiconEntry>): LexiconEntry => ({
			id: name.replace(/\W/g, '-'),
			createdBy: 'iza',
			createdAt: clock.now(),
			updatedBy: 'iza',
			updatedAt: clock.now(),
			kind: 'property',
			name,
			description: '',
			hidden: false,
			tags: [],
			lookupTableId: null,
			mergedInto: null,
			...fields
		});
		server.app.registry.change('view/p1/main', (roots) => {
			const lexicon = roots.lexicon;
			for (const value of [
				entry('branch', {
					description: 'Where, "exactly", it\nhappened',
					tags: ['place', 'core'],
					lookupTableId: table.id
				}),
				entry('Checkout', { kind: 'event', hidden: true, description: '=1+1' })
			])
				lexicon.set(value.id, value);
		});
	});

	it('has a header, quotes commas, quotes and line breaks, starts with a BOM and reads back', async () => {
		const response = await rawRequest(server, 'cole', '/api/projects/p1/views/main/lexicon.csv');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toBe(
			`attachment; filename="lexicon-aurora.csv"; filename*=UTF-8''lexicon-aurora.csv`
		);
		const bytes = new Uint8Array(await response.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const text = new TextDecoder().decode(bytes);
		expect(text).toContain('"Where, ""exactly"", it\nhappened"');
		expect(parseCsv(text)).toEqual({
			ok: true,
			records: [
				['Name', 'Kind', 'Description', 'Hidden', 'Tags', 'Lookup table'],
				['Checkout', 'event', "'=1+1", 'yes', '', ''],
				[
					'branch',
					'property',
					'Where, "exactly", it\nhappened',
					'no',
					'place; core',
					'Branch names'
				]
			]
		});
	});

	it('loses a mapping when its lookup table is deleted, on the server and on every client', async () => {
		const iza = new SyncClient(server, 'iza', 'view/p1/main');
		clients.push(iza);
		await iza.synced();
		const tableId = (iza.map('lexicon').get('branch') as LexiconEntry).lookupTableId!;
		expect(iza.map('lookupTables').has(tableId)).toBe(true);
		clock.advance(60_000);
		iza.map('lookupTables').delete(tableId);
		await eventually(
			() => (iza.map('lexicon').get('branch') as LexiconEntry).lookupTableId === null,
			'the mapping to go'
		);
		const onServer = server.app.registry.read(
			'view/p1/main',
			(document) => document.root('lexicon').get('branch') as LexiconEntry
		)!;
		expect(onServer).toMatchObject({
			lookupTableId: null,
			updatedBy: 'iza',
			updatedAt: clock.now(),
			tags: ['place', 'core']
		});
		const csv = await rawRequest(server, 'iza', '/api/projects/p1/views/main/lexicon.csv');
		const parsed = parseCsv(await csv.text());
		expect(parsed.ok && parsed.records.find((record) => record[0] === 'branch')?.at(-1)).toBe('');
	});

	it('is refused to someone who does not read the data view', async () => {
		const response = await rawRequest(server, 'bea', '/api/projects/p1/views/main/lexicon.csv');
		expect(response.status).toBe(403);
		expect((await response.json()).error.code).toBe('cannot-read-view');
	});
});
