/**
 * Finding 6 of the "truthful console" issue, in Chromium: in a library's own project
 * (institution-zone management), its admin cannot remove a Network Zone admin. The console says
 * why, and under which management mode; it offers the way forward (a hand-over request), which
 * the Network Zone admin accepts in their own browser; and the library admin's own Leave warns
 * that the project would then be run only by someone the library cannot remove.
 */
import type { Page } from 'playwright-core';
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
const USERS = '/projects/p1/settings/users';

beforeAll(async () => {
	e2e = await startE2E();
	// Aurora's project: cora is Aurora's admin, dana a Network Zone (Office) admin, al an Analyst.
	setUpProject(e2e.server, 'institution-zone', [
		{ accountId: 'cora', role: 'admin', zone: 'aurora' },
		{ accountId: 'dana', role: 'admin', zone: 'nz' },
		{ accountId: 'al', role: 'analyst', zone: 'aurora' }
	]);
});

afterAll(() => e2e.close());

/** The accessible description of a control: what a screen reader and the tooltip say. */
function descriptionOf(page: Page, name: string): Promise<string> {
	return page.getByRole('button', { name, exact: true }).evaluate((button) =>
		(button.getAttribute('aria-describedby') ?? '')
			.split(' ')
			.map((id) => document.getElementById(id)?.textContent ?? '')
			.join(' ')
	);
}

describe('Project Admins of a library’s project, in Chromium', () => {
	it('tells the library’s admin why, lets her ask the Network Zone admin, who accepts; her Leave warns first', async () => {
		const cora = await signedInAs(e2e, 'cora', USERS);
		await expect.poll(() => memberRow(cora.page, 'Name of dana').isVisible()).toBe(true);

		// The management mode, where it decides something.
		await cora.page.getByText(/^Institution Zone management:/).waitFor();
		expect(await cora.page.getByText(/This is Aurora’s own project/).count()).toBe(1);

		// Why Dana cannot be removed or demoted, and who can.
		const remove = cora.page.getByRole('button', { name: 'Remove Name of dana', exact: true });
		expect(await remove.getAttribute('aria-disabled')).toBe('true');
		expect(await descriptionOf(cora.page, 'Remove Name of dana')).toContain(
			'Only Name of dana can give up their Project Admin role, by stepping down or leaving: a Project Admin cannot remove another Project Admin, only users below Admin. Ask Name of dana with a hand-over request.'
		);
		expect(
			await cora.page
				.getByRole('button', { name: /^Role of Name of dana:/ })
				.getAttribute('aria-disabled')
		).toBe('true');

		// Her own Leave: the project would be run only by someone Aurora cannot remove.
		await cora.page.getByRole('button', { name: 'Leave project' }).click();
		const leaving = cora.page.getByRole('dialog', { name: 'Leave Analytics?' });
		await expect
			.poll(() => leaving.textContent())
			.toContain(
				'Analytics would then be run only by Name of dana (Office), from outside Aurora. Nobody of Aurora could remove or demote them'
			);
		await leaving.getByRole('button', { name: 'Cancel' }).click();
		await expect.poll(() => leaving.count()).toBe(0);

		// The way forward: a hand-over request.
		await cora.page.getByRole('button', { name: 'Ask Name of dana to step down' }).click();
		const asking = cora.page.getByRole('dialog', { name: 'Ask Name of dana to step down' });
		await expectNoSeriousViolations(cora.page, 'the hand-over dialog');
		await asking.getByRole('radio', { name: /Let me take over/ }).check();
		await asking.getByLabel('Their role afterwards').selectOption('consumer');
		await asking.getByLabel(/Message to Name of dana/).fill('Aurora runs its own project now.');
		await asking.getByRole('button', { name: 'Send request' }).click();
		await expect
			.poll(() =>
				cora.page
					.getByText(
						/You asked Name of dana to let you take over, stepping down to Consumer\. Waiting/
					)
					.isVisible()
			)
			.toBe(true);
		const ask = cora.page.getByRole('button', { name: 'Ask Name of dana to step down' });
		expect(await ask.getAttribute('aria-disabled')).toBe('true');

		const asked = await e2e.smtp.nextMessageTo('dana@example.org');
		expect(asked.subject).toBe(
			'Name of cora asks you to let them take over as Project Admin of Analytics, stepping down to Consumer'
		);
		expect(asked.text).toContain('Aurora runs its own project now.');

		// Dana answers in her own browser.
		const dana = await signedInAs(e2e, 'dana', USERS);
		await dana.page.getByText('Name of cora asks to take over from you as Project Admin').waitFor();
		await dana.page.getByLabel('Reply to Name of cora (optional)').fill('Of course.');
		await dana.page.getByRole('button', { name: 'Accept and step down to Consumer' }).click();
		await dana.page
			.getByRole('dialog', { name: 'Step down to Consumer?' })
			.getByRole('button', { name: 'Step down' })
			.click();

		await expect
			.poll(() => memberRow(cora.page, 'Name of dana').textContent(), { timeout: 15_000 })
			.toContain('Consumer');
		await expect
			.poll(() =>
				cora.page
					.getByText('Name of dana accepted your hand-over request and is now Consumer.')
					.isVisible()
			)
			.toBe(true);
		await expect.poll(() => remove.getAttribute('aria-disabled')).toBeNull();
		const answered = await e2e.smtp.nextMessageTo('cora@example.org');
		expect(answered.subject).toBe('Name of dana accepted your hand-over request');
		expect(answered.text).toContain('Of course.');

		// Nothing refused, nothing replaced, on either screen.
		for (const page of [cora.page, dana.page])
			expect(await page.getByText(/refused|replaced|Not done/i).count()).toBe(0);
		await expectNoSeriousViolations(cora.page, 'Project Users with an answered hand-over request');
		await leave(dana);
		await leave(cora);
	});

	it('has no serious accessibility violations with a hand-over request waiting, at 390×844', async () => {
		// Al, made Project Admin by the server, asks Cora.
		e2e.server.app.registry.change('project/p1', (roots) => {
			const cora = roots.members.get('cora')!;
			roots.members.set('al', { ...roots.members.get('al')!, role: 'admin' });
			roots.handovers.set('h-phone', {
				id: 'h-phone',
				kind: 'step-down',
				askedBy: 'al',
				askedOf: cora.accountId,
				stepDownTo: 'analyst',
				message: 'Could you hand over while you are away?',
				createdAt: Date.now(),
				status: 'pending',
				answeredAt: null,
				reply: null
			});
		});
		const cora = await signedInAs(e2e, 'cora', USERS, { width: 390, height: 844 });
		await cora.page.getByText('Name of al asks you to step down as Project Admin').waitFor();
		await expectNoSeriousViolations(cora.page, 'Project Users at 390×844');
		await cora.page.getByRole('button', { name: 'Accept and step down to Analyst' }).click();
		await cora.page.getByRole('dialog', { name: 'Step down to Analyst?' }).waitFor();
		await expectNoSeriousViolations(cora.page, 'the step-down confirmation at 390×844');
		await leave(cora);
	});
});
