/**
 * Issue 15: inviting 200 people from a CSV file in Chromium. The file is previewed row by row,
 * Apply waits while a row is refused and says why, a corrected file is applied and every
 * invitation is mailed; a copied invite link opens the Accept Invite page. axe on every new screen,
 * at 1280 wide and at 390 × 844.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectDocument } from '../../src/lib/shared';
import { expectNoSeriousViolations, leave, signedInAs, startE2E, type E2E } from '../support/e2e';
import { setUpProject } from '../support/sync';
import { outboxRecipients } from '../support/workflows';

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [{ accountId: 'ada', role: 'admin', zone: 'nz' }]);
});

afterAll(() => e2e.close());

const USERS = '/projects/p1/settings/users';

/** 200 people of Aurora and the Office, some with an end date. */
function file(...extra: string[]): { name: string; mimeType: string; buffer: Buffer } {
	const rows = Array.from({ length: 200 - extra.length }, (_, index) =>
		index % 2 === 0
			? `person${index}@aurora.example.edu,Person ${index},Analyst,,${index % 4 === 0 ? '2099-08-31' : ''}`
			: `person${index}@office.example.org,Person ${index},Consumer,Office,`
	);
	return {
		name: 'people.csv',
		mimeType: 'text/csv',
		buffer: Buffer.from(['email,name,role,zone,end date', ...extra, ...rows].join('\r\n'))
	};
}

function invitesInDocument(): number {
	return e2e.server.app.registry.read(
		projectDocument('p1'),
		(document) => document.root('invites').size
	)!;
}

describe('Invite from a CSV file in Chromium', () => {
	it('previews 200 rows, waits while a row is refused, and applies the corrected file', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		const { page } = ada;
		await page.getByRole('link', { name: 'Invite from a CSV file' }).click();
		await page.getByRole('heading', { name: 'Invite from a CSV file', level: 1 }).waitFor();
		await expectNoSeriousViolations(page, 'Invite from a CSV file');

		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByRole('link', { name: 'Download a template' }).click()
		]);
		const template = readFileSync((await download.path())!, 'utf8');
		expect(template.split('\r\n')[0]).toBe('\uFEFFemail,name,role,zone,end date');

		await page
			.getByLabel('CSV file')
			.setInputFiles(
				file(
					'boss@office.example.org,Boss,Boss,,',
					'iz.admin@aurora.example.edu,Iz Admin,Project Admin,,'
				)
			);
		await page.getByRole('button', { name: 'Preview' }).click();
		const table = page.getByRole('table', { name: /Preview/ });
		await table.waitFor();
		expect(await page.getByRole('status').filter({ hasText: 'to invite' }).textContent()).toContain(
			'198 to invite by mail, 2 refused'
		);
		// The refused rows are shown first, each with its column and reason.
		const rows = table.getByRole('row');
		await expect.poll(() => rows.count()).toBe(3);
		expect(await rows.nth(1).textContent()).toContain('role: "Boss" is not a project role');
		expect(await rows.nth(2).textContent()).toContain(
			'Project Admins must be Network Zone members'
		);
		const apply = page.getByRole('button', { name: 'Apply' });
		expect(await apply.getAttribute('aria-disabled')).toBe('true');
		expect(await page.locator('#bulk-apply-reason').textContent()).toBe(
			'Nothing is applied while a row is refused: correct or remove the 2 refused rows (the first is row 2, role) and preview the file again.'
		);
		await apply.click({ force: true });
		expect(invitesInDocument()).toBe(0);
		await expectNoSeriousViolations(page, 'the preview with refused rows');
		await page.setViewportSize({ width: 390, height: 844 });
		await expectNoSeriousViolations(page, 'the preview at 390 × 844');
		await page.setViewportSize({ width: 1280, height: 800 });

		await page.getByLabel('CSV file').setInputFiles(file());
		await page.getByRole('button', { name: 'Preview' }).click();
		await expect
			.poll(() => page.getByRole('status').filter({ hasText: 'to invite' }).textContent())
			.toContain('200 to invite by mail');
		await expect.poll(() => rows.count()).toBe(201);
		await apply.click();
		await expect
			.poll(() => page.getByRole('status').filter({ hasText: 'invitations' }).textContent(), {
				timeout: 60_000
			})
			.toContain('Sent 200 invitations.');
		expect(invitesInDocument()).toBe(200);
		// Every invitation is in the outbox; the first ones have reached the SMTP server already.
		expect(outboxRecipients(e2e.server, 'invited you to Analytics')).toHaveLength(200);
		const mail = await e2e.smtp.nextMessageTo('person0@aurora.example.edu');
		expect(mail.subject).toBe('Name of ada invited you to Analytics');
		await expectNoSeriousViolations(page, 'the file applied');
		await leave(ada);
	});

	it('copies an invitation’s link once, which opens the Accept Invite page', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		const { page } = ada;
		await page.getByRole('tab', { name: /Invited Users/ }).click();
		await page
			.getByRole('button', { name: 'Copy invite link for person0@aurora.example.edu' })
			.click();
		const dialog = page.getByRole('dialog', { name: 'Copy invite link' });
		await dialog.getByRole('button', { name: 'Create link' }).click();
		const field = dialog.getByLabel('Accept Invite link for person0@aurora.example.edu');
		await field.waitFor();
		const link = await field.inputValue();
		expect(link).toContain('/invite#token=');
		expect(await dialog.textContent()).toMatch(/It works once and expires on \d+ \w+ \d{4}/);
		await expectNoSeriousViolations(page, 'Copy invite link');
		await page.setViewportSize({ width: 390, height: 844 });
		await expectNoSeriousViolations(page, 'Copy invite link at 390 × 844');
		await dialog.getByRole('button', { name: 'Done' }).click();

		const visitor = await e2e.browser.newContext();
		const invited = await visitor.newPage();
		await invited.goto(link);
		await expect
			.poll(() => invited.getByRole('button', { name: 'Accept Invite' }).isVisible())
			.toBe(true);
		await visitor.close();
		await leave(ada);
	});
});
