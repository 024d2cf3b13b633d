/**
 * An access review in Chromium, in institution-zone management: a library's Project Admin starts
 * a review of the library's people, keeps one, removes another (confirmed), sees that the review
 * cannot remove the library's other Project Admin, who decides about her from the mail's link in
 * a browser of their own; she completes it, the undecided are reported, and the audit log says it
 * in one sentence. axe on the review page, wide and on a phone.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolations, leave, signedInAs, startE2E, type E2E } from '../support/e2e';
import { extractLink } from '../support/smtp';
import { setUpProject } from '../support/sync';

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'institution-zone', [
		{ accountId: 'ava', role: 'admin', zone: 'aurora' },
		{ accountId: 'ivy', role: 'admin', zone: 'aurora' },
		{ accountId: 'al', role: 'analyst', zone: 'aurora' },
		{ accountId: 'cy', role: 'consumer', zone: 'aurora' },
		{ accountId: 'nadia', role: 'admin', zone: 'nz' }
	]);
});

afterAll(() => e2e.close());

/** A person's row of the review, by the name in its row header ("by Name of ava" is in others). */
function personRow(page: Page, name: string) {
	return page
		.getByRole('table', { name: 'People of the review' })
		.getByRole('row')
		.filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name}`) }) });
}

function isMember(accountId: string): boolean {
	return e2e.server.app.registry.read('project/p1', (document) =>
		document.root('members').has(accountId)
	)!;
}

describe('an access review completed by a library’s admin, in Chromium', () => {
	it('starts, decides, is refused what the policy refuses, completes, and is audited in one sentence', async () => {
		const ava = await signedInAs(e2e, 'ava', '/projects/p1/settings/users');
		await ava.page.getByRole('link', { name: /Start a review/ }).click();
		await ava.page.getByRole('heading', { name: 'Access reviews', level: 1 }).waitFor();
		await expect
			.poll(() => ava.page.getByRole('heading', { name: 'No reviews yet' }).isVisible())
			.toBe(true);
		await ava.page.getByRole('button', { name: 'Start a review' }).click();
		const dialog = ava.page.getByRole('dialog', { name: 'Start an access review' });
		const whom = dialog.getByLabel('Whose access');
		// Her own library's people, or everyone; not the Network Zone's people, whom she does not review.
		expect(await whom.locator('option').allTextContents()).toEqual([
			'Everyone in Analytics (5 people)',
			'Aurora (4 people)'
		]);
		await whom.selectOption({ label: 'Aurora (4 people)' });
		await dialog.getByRole('button', { name: 'Start the review' }).click();
		await ava.page.waitForURL(/\/settings\/reviews\/[^/]+$/);
		await ava.page.getByRole('heading', { name: 'Access review of Aurora', level: 1 }).waitFor();
		const table = ava.page.getByRole('table', { name: 'People of the review' });
		await table.waitFor();
		expect(await table.getByRole('rowheader').allTextContents()).toEqual([
			expect.stringContaining('Name of al'),
			expect.stringContaining('Name of ava'),
			expect.stringContaining('Name of cy'),
			expect.stringContaining('Name of ivy')
		]);
		await expectNoSeriousViolations(ava.page, 'the open review at 1280 px');

		await ava.page.getByRole('button', { name: 'Keep Name of al’s access' }).click();
		const alRow = personRow(ava.page, 'Name of al');
		await expect.poll(() => alRow.getByText('Kept').isVisible()).toBe(true);

		await ava.page.getByRole('button', { name: 'Remove Name of cy from Analytics' }).click();
		const confirm = ava.page.getByRole('dialog', { name: 'Remove Name of cy?' });
		await confirm.getByRole('button', { name: 'Remove' }).click();
		const cyRow = personRow(ava.page, 'Name of cy');
		await expect.poll(() => cyRow.getByText('Removed').isVisible()).toBe(true);
		expect(isMember('cy')).toBe(false);

		// The seed's rule: a Project Admin cannot remove another. Said before anyone tries.
		const ivyRow = personRow(ava.page, 'Name of ivy');
		expect(await ivyRow.getByText(/This review cannot remove them/).isVisible()).toBe(true);
		expect(
			await ivyRow
				.getByRole('button', { name: 'Remove Name of ivy from Analytics' })
				.getAttribute('aria-disabled')
		).toBe('true');
		const avaRow = personRow(ava.page, 'Name of ava');
		expect(await avaRow.getByText(/nobody attests to their own/).isVisible()).toBe(true);

		// Ivy, mailed as a reviewer, decides about Ava in a browser of her own.
		const mail = await e2e.smtp.nextMessageTo('ivy@example.org');
		expect(mail.subject).toMatch(/^Access review of Aurora in Analytics: due /);
		const link = new URL(extractLink(mail, '/projects/p1/settings/reviews/'));
		const ivy = await signedInAs(e2e, 'ivy', link.pathname);
		await ivy.page.getByRole('button', { name: 'Keep Name of ava’s access' }).click();
		await expect
			.poll(() => personRow(ivy.page, 'Name of ava').getByText('Kept').isVisible())
			.toBe(true);
		await leave(ivy);

		await ava.page.reload();
		await ava.page.getByText('3 of 4 people decided').waitFor();
		await ava.page.getByRole('button', { name: 'Complete the review' }).click();
		const completing = ava.page.getByRole('dialog', { name: 'Complete the review?' });
		expect(
			await completing.getByText(/1 person not decided yet will be reported/).isVisible()
		).toBe(true);
		await completing.getByRole('button', { name: 'Complete' }).click();
		await expect
			.poll(() => ava.page.getByText(/Nobody decided about 1 person/).isVisible())
			.toBe(true);
		expect(await ivyRow.getByText('Undecided').isVisible()).toBe(true);
		expect(isMember('ivy')).toBe(true);
		await expectNoSeriousViolations(ava.page, 'the closed review at 1280 px');

		await ava.page.setViewportSize({ width: 390, height: 844 });
		await expectNoSeriousViolations(ava.page, 'the closed review at 390 px');

		await ava.page.getByRole('link', { name: 'Access reviews' }).first().click();
		await ava.page.getByRole('heading', { name: 'Closed reviews' }).waitFor();
		expect(await ava.page.getByText('2 kept, 1 removed, 1 undecided').isVisible()).toBe(true);
		await expectNoSeriousViolations(ava.page, 'the list of reviews at 390 px');

		await ava.page.goto(`${e2e.server.url}/projects/p1/settings/audit`);
		await expect
			.poll(() =>
				ava.page
					.getByText(
						'Name of ava completed the access review of Aurora: 2 kept, 1 removed, 1 undecided; decided by Name of ava and Name of ivy'
					)
					.isVisible()
			)
			.toBe(true);
		await leave(ava);
	});
});
