/**
 * The audit log as a Project Admin reads it in Chromium: sentences with names, not ids, root names
 * or JSON ("Who gave Edda access, and when?"); refused attempts worded as such; filters by person,
 * zone and kind; the JSON one click away; and no serious accessibility problem on a desktop or a
 * phone.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { expectNoSeriousViolations, leave, signedInAs, startE2E, type E2E } from '../support/e2e';
import { SyncClient, setUpProject } from '../support/sync';

const AUDIT = '/projects/p1/settings/audit';
const BOARD = '3f2a9c4e-8b1d-4e6f-a2c5-7d9e0b1f3a48';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
	]);
	const now = Date.now();
	const stamps = (id: string, author: string) => ({
		id,
		createdBy: author,
		createdAt: now,
		updatedBy: author,
		updatedAt: now
	});
	// Real clients over real sockets: Ada demotes Nia; Ian, an Analyst, tries the same and is
	// refused; Nia subscribes Ada to a board whose id is a UUID.
	const ada = new SyncClient(e2e.server, 'ada', 'project/p1');
	const ian = new SyncClient(e2e.server, 'ian', 'project/p1');
	const nia = new SyncClient(e2e.server, 'nia', 'view/p1/global');
	await Promise.all([ada.synced(), ian.synced(), nia.synced()]);
	nia
		.map('boards')
		.set(BOARD, { ...stamps(BOARD, 'nia'), name: 'Loans', description: '', reports: [] });
	nia.map('subscriptions').set('s1', {
		...stamps('s1', 'nia'),
		boardId: BOARD,
		cadence: 'weekly',
		recipients: ['ada@example.org'],
		paused: false
	});
	await eventually(
		() => e2e.server.app.registry.get('view/p1/global')?.root('subscriptions').has('s1') === true,
		'the subscription'
	);
	ada.setMember('nia', { role: 'consumer' });
	await eventually(() => ada.member('nia')?.role === 'consumer', 'the demotion');
	await eventually(() => ian.member('nia')?.role === 'consumer', 'the demotion to reach Ian');
	ian.setMember('nia', { role: 'admin' });
	await eventually(() => ian.verdicts.length === 1, 'the refusal of Ian’s change');
	for (const client of [ada, ian, nia]) client.destroy();
});

afterAll(() => e2e.close());

/** The log's entries as a reader sees them (closed disclosures hide their data). */
async function shownEntries(page: Page): Promise<string[]> {
	const list = page.getByRole('list', { name: 'Changes, newest first' });
	await list.waitFor();
	return list.getByRole('listitem').allInnerTexts();
}

async function filter(page: Page, label: string, option: string): Promise<void> {
	await page.getByLabel(label).selectOption({ label: option });
	await page.getByRole('button', { name: 'Show', exact: true }).click();
}

describe('the audit log, in Chromium', () => {
	it('reads as sentences with names, refusals as attempts, and the data one click away', async () => {
		const ada = await signedInAs(e2e, 'ada', AUDIT);
		await expect
			.poll(async () =>
				(await shownEntries(ada.page)).slice(0, 4).map((text) => text.split('\n')[0])
			)
			.toEqual([
				expect.stringMatching(
					/^Refused\s*Name of ian tried to change Name of nia’s role from Consumer to Project Admin; refused: only Project Admins manage people · /
				),
				expect.stringMatching(
					/^Name of ada changed Name of nia’s role from Analyst to Consumer · /
				),
				expect.stringMatching(
					/^Name of nia subscribed Name of ada to the board Loans \(weekly\) · /
				),
				expect.stringMatching(/^Name of nia created the board Loans · /)
			]);
		const visible = (await shownEntries(ada.page)).join('\n');
		expect(visible).not.toMatch(UUID);
		expect(visible).not.toMatch(/customEvents|subscriptions|members|"role"/);
		expect(visible).not.toMatch(/1\d{12}/);

		// The raw entry is one click away.
		const demotion = ada.page
			.getByRole('listitem')
			.filter({ hasText: 'Name of ada changed Name of nia’s role' });
		await demotion.getByText('Show the data').click();
		await expect.poll(() => demotion.innerText()).toMatch(/"role": "consumer"/);
		await expectNoSeriousViolations(ada.page, 'audit log, desktop');
		await leave(ada);
	});

	it('filters by person, zone and kind', async () => {
		const ada = await signedInAs(e2e, 'ada', AUDIT);
		await shownEntries(ada.page);

		await filter(ada.page, 'Person', 'Name of ian');
		await expect
			.poll(() => shownEntries(ada.page))
			.toEqual([
				expect.stringContaining('Name of ian tried to change Name of nia’s role'),
				expect.stringContaining('Name of ian joined the project as Analyst (Aurora)')
			]);

		await filter(ada.page, 'Person', 'Anyone');
		await filter(ada.page, 'Zone', 'Aurora');
		await expect
			.poll(() => shownEntries(ada.page))
			.toEqual([expect.stringContaining('Name of ian joined the project as Analyst (Aurora)')]);

		await filter(ada.page, 'Zone', 'Any zone');
		await filter(ada.page, 'Kind', 'Subscriptions');
		await expect
			.poll(() => shownEntries(ada.page))
			.toEqual([expect.stringContaining('Name of nia subscribed Name of ada to the board Loans')]);
		await leave(ada);
	});

	it('fits a phone, with nothing serious for assistive technology', async () => {
		const ada = await signedInAs(e2e, 'ada', AUDIT, { width: 390, height: 844 });
		await shownEntries(ada.page);
		expect(
			await ada.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
		).toBe(true);
		await ada.page.getByText('Show the data').first().click();
		expect(
			await ada.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
		).toBe(true);
		await expectNoSeriousViolations(ada.page, 'audit log, 390x844');
		await leave(ada);
	});
});
