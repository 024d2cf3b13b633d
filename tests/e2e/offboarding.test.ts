/**
 * Offboarding a library in Chromium, from the preview to the result: the consortium office
 * chooses Aurora, reads what goes project by project and what stays, types its name, applies,
 * and reads the one entry in the consortium's log; Aurora's Analyst, working in the project
 * meanwhile, is told he no longer has access. No serious accessibility problem on a desktop or a
 * phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	expectNoSeriousViolations,
	leave,
	memberRow,
	signedInAs,
	startE2E,
	type E2E
} from '../support/e2e';
import { setUpProject } from '../support/sync';

let e2e: E2E;
let offboarding: string;

beforeAll(async () => {
	e2e = await startE2E();
	// Network-zone management: ada runs the project from the office; ian and ivy are Aurora's,
	// bo is Borealis's; ada sends herself a weekly digest of Aurora's data view.
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' },
		{ accountId: 'ivy', role: 'consumer', zone: 'aurora' },
		{ accountId: 'bo', role: 'consumer', zone: 'borealis' }
	]);
	const now = Date.now();
	const stamps = { createdBy: 'ada', createdAt: now, updatedBy: 'ada', updatedAt: now };
	e2e.server.app.registry.change('view/p1/iz-aurora', (roots) => {
		roots.boards.set('b1', {
			id: 'b1',
			...stamps,
			name: 'Aurora loans',
			description: '',
			reports: []
		});
		roots.subscriptions.set('s1', {
			id: 's1',
			...stamps,
			boardId: 'b1',
			cadence: 'weekly',
			recipients: ['ada@example.org'],
			paused: false
		});
	});
	const consortiumId = e2e.server.app.db.prepare('SELECT id FROM consortia').pluck().get();
	offboarding = `/consortia/${consortiumId as string}/offboarding`;
});

afterAll(() => e2e.close());

describe('offboarding a library, in Chromium', () => {
	it('goes from the preview to the result, with one entry in the consortium’s log', async () => {
		const ian = await signedInAs(e2e, 'ian', '/projects/p1/settings/users');
		await expect.poll(() => memberRow(ian.page, 'Name of ivy').isVisible()).toBe(true);

		const ada = await signedInAs(e2e, 'ada', offboarding);
		await ada.page.getByRole('heading', { name: 'Offboard a library', level: 1 }).waitFor();
		await ada.page
			.getByLabel('Library', { exact: true })
			.selectOption({ label: 'Aurora (2 people)' });
		await ada.page.getByRole('button', { name: 'Preview' }).click();
		const preview = ada.page.getByRole('region', { name: 'What offboarding Aurora does' });
		await preview.waitFor();
		const project = preview.getByRole('region', { name: 'Analytics' });
		await expect.poll(() => project.innerText()).toContain('Memberships removed (2)');
		const shown = await project.innerText();
		expect(shown).toContain('Name of ian');
		expect(shown).toContain('Aurora loans');
		expect(shown).toContain('ends: it sends Aurora’s data');
		expect(shown).toContain(
			'The data view Aurora, with its data, for the Project Admins who remain'
		);
		expect(shown).not.toContain('Name of bo');
		await expectNoSeriousViolations(ada.page, 'the preview');

		// Nothing is applied before the library's name is typed.
		const offboard = ada.page.getByRole('button', { name: 'Offboard Aurora' });
		expect(await offboard.getAttribute('aria-disabled')).toBe('true');
		await ada.page.getByLabel("The library's name").fill('aurora');
		await expect.poll(() => offboard.getAttribute('aria-disabled')).not.toBe('true');
		await offboard.click();

		await ada.page.getByText('Aurora was offboarded').waitFor();
		const sentence =
			'Name of ada offboarded Aurora (2 people) from Analytics: removed 2 memberships; ended 1 subscription';
		const log = ada.page.getByRole('list', { name: 'Changes, newest first' });
		await expect.poll(() => log.innerText()).toContain(sentence);
		await expectNoSeriousViolations(ada.page, 'the result');
		expect(
			await ada.page.getByLabel('Library', { exact: true }).locator('option:checked').innerText()
		).toMatch(/^Aurora \(left on /);

		// Ian, in the project meanwhile, loses it at once.
		await ian.page
			.getByText(/no longer have access|removed you|no longer a member/i)
			.first()
			.waitFor();
		expect(
			e2e.server.app.db.prepare("SELECT account_id FROM memberships WHERE zone_id = 'aurora'").all()
		).toEqual([]);
		await leave(ian);
		await leave(ada);
	});

	it('reads on a phone', async () => {
		const ada = await signedInAs(e2e, 'ada', `${offboarding}?zone=borealis`, {
			width: 390,
			height: 844
		});
		const preview = ada.page.getByRole('region', { name: 'What offboarding Borealis does' });
		await preview.waitFor();
		await expect.poll(() => preview.innerText()).toContain('Name of bo');
		await expectNoSeriousViolations(ada.page, 'the preview on a phone');
		await leave(ada);
	});
});
