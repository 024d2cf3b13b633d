/**
 * "Who has access" in Chromium: a Network Zone Project Admin picks a library and reads who can see
 * its data and why, finds a person, and downloads the CSV file a library director takes to the
 * auditors (the same sentences as the page); a library's own Project Admin opens straight onto
 * their zone; no serious axe violation on a desktop or a phone.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, type AccessRequest } from '../../src/lib/shared';
import { eventually } from '../support/eventually';
import { expectNoSeriousViolations, leave, signedInAs, startE2E, type E2E } from '../support/e2e';
import { SyncClient } from '../support/sync';
import { nameOf, setUpHarbour, signedIn } from '../support/workflows';

const ACCESS = '/consortia/harbour/access';
const WIDTHS = [
	{ width: 1280, height: 800 },
	{ width: 390, height: 844 }
];

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpHarbour(e2e.server);
	// Nora, a Network Zone user, asks to join Aurora Analytics and Iza approves: a second path.
	const asked = await signedIn(e2e.server, 'nora').post('/api/projects/p1/requests', {
		kind: 'join',
		role: 'consumer',
		message: 'For the consortium report'
	});
	const requestId = asked.body.request.id as string;
	const iza = new SyncClient(e2e.server, 'iza', 'project/p1');
	await iza.synced();
	await eventually(() => iza.map('requests').has(requestId), 'the request to reach Iza');
	const request = iza.map<AccessRequest>('requests').get(requestId)!;
	iza.map('requests').set(requestId, {
		...request,
		status: 'approved',
		decidedBy: 'iza',
		decidedAt: Date.now(),
		decisionReason: null
	});
	await eventually(() => iza.member('nora') !== undefined, 'Nora to join');
	iza.destroy();
});

afterAll(() => e2e.close());

describe('who has access, in Chromium', () => {
	it('shows a Network Zone admin who can see a library’s data and why, and downloads it as CSV', async () => {
		const nadia = await signedInAs(e2e, 'nadia', ACCESS);
		const { page } = nadia;
		await page.getByRole('heading', { name: 'Harbour: who has access' }).waitFor();
		await page.getByLabel('Library or office (zone)').selectOption({ label: 'Aurora' });
		await page.getByRole('button', { name: 'Show' }).click();
		const table = page.getByRole('table', { name: /Who can see Aurora’s data/ });
		await table.waitFor();
		expect(new URL(page.url()).search).toBe('?zone=aurora');
		const rowOf = (accountId: string) =>
			table.getByRole('row', { name: new RegExp(`^${nameOf(accountId)} `) });
		const nora = rowOf('nora');
		await expect
			.poll(() => nora.innerText())
			.toMatch(
				/Aurora Analytics\s+Consumer\s+All data views\s+Asked to join on \d+ \w+ \d{4}, approved by Name of iza on \d+ \w+ \d{4}\./
			);
		expect(await rowOf('iza').innerText()).toContain('Added by the consortium office on');
		await expectNoSeriousViolations(page, 'a zone’s access at 1280px');

		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Download CSV' }).click()
		]);
		expect(download.suggestedFilename()).toBe('access-harbour-aurora.csv');
		const parsed = parseCsv(readFileSync(await download.path(), 'utf8'));
		if (!parsed.ok) throw new Error('The CSV does not parse');
		const noraRow = parsed.records.find((record) => record[0] === nameOf('nora'))!;
		// The page's sentence, word for word: one function makes both.
		const shown = await nora.getByRole('cell').last().innerText();
		expect(noraRow[6]).toBe(shown.trim());
		expect(noraRow.slice(3, 8)).toEqual([
			'Aurora Analytics',
			'Consumer',
			'All data views',
			shown.trim(),
			'Approved request'
		]);
		expect(parsed.records).toHaveLength(1 + 5);

		await page.getByLabel('Person: part of a name or address').fill('nora');
		await page.getByRole('button', { name: 'Find' }).click();
		await page
			.getByRole('list', { name: 'People found' })
			.getByRole('link', { name: nameOf('nora') })
			.click();
		await page.getByRole('heading', { name: `Why ${nameOf('nora')} has access` }).waitFor();
		await expectNoSeriousViolations(page, 'a person’s access at 1280px');
		await leave(nadia);
	});

	it('opens a library’s own Project Admin onto their zone, and reads well on a phone', async () => {
		for (const viewport of WIDTHS) {
			const iza = await signedInAs(e2e, 'iza', '/projects/p1/settings/users', viewport);
			const { page } = iza;
			await page.getByRole('link', { name: 'Who has access' }).click();
			await page.getByRole('table', { name: /Who can see Aurora’s data/ }).waitFor();
			expect(new URL(page.url()).search).toBe('?zone=aurora');
			expect(
				await page.getByLabel('Library or office (zone)').getByRole('option').allInnerTexts()
			).toEqual(['Choose a zone', 'Aurora']);
			await expectNoSeriousViolations(page, `Iza’s zone at ${viewport.width}px`);
			if (viewport.width === 390) {
				// Two columns on a phone: the whole sentence is on the screen, nothing to scroll across.
				const cell = page
					.getByRole('row', { name: new RegExp(`^${nameOf('nora')} `) })
					.getByRole('cell')
					.last();
				const box = (await cell.boundingBox())!;
				expect(box.x + box.width).toBeLessThanOrEqual(390);
				expect(await cell.innerText()).toMatch(
					/^Aurora Analytics · Consumer · All data views\s+Asked to join/
				);
			}
			await leave(iza);
		}
	});

	it('tells an Analyst that they may not look', async () => {
		const ian = await signedInAs(e2e, 'ian', ACCESS);
		await ian.page.getByRole('alert').filter({ hasText: 'can see who has access' }).waitFor();
		await expectNoSeriousViolations(ian.page, 'the refusal');
		await leave(ian);
	});
});
