/**
 * Issue 14, finding 5: Invite Users gave the whole list the first address's zone and one role, so
 * that another consortium's librarian (who has an account) was added at once as an Aurora
 * Analyst, without a word, and the notice said "2 invitations sent" although one was added. Here
 * each address gets its own zone and role, an unknown domain holds the list back until its zone is
 * chosen, the summary says what will happen, and the result tells added from invited.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invite, Member } from '../../src/lib/shared';
import { createTestAccount } from '../support/auth';
import { expectNoSeriousViolations, leave, signedInAs, startE2E, type E2E } from '../support/e2e';
import { setUpProject } from '../support/sync';

let e2e: E2E;
let calebId: string;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' }
	]);
	// A librarian of another consortium's library: an account here, a domain no zone lists.
	calebId = (
		await createTestAccount(e2e.server, { email: 'caleb@cove.example.org', name: 'Caleb Reader' })
	).id;
});

afterAll(() => e2e.close());

const USERS = '/projects/p1/settings/users';
const LIST = 'ann@aurora.example.edu, caleb@cove.example.org, nia@example.org';

function serverRoot<T>(root: 'members' | 'invites'): T[] {
	return (
		e2e.server.app.registry.read('project/p1', (document) => [
			...(document.root(root).values() as Iterable<T>)
		]) ?? []
	);
}

async function openWithList(page: Page, list: string) {
	await page.getByRole('button', { name: 'Invite Users' }).click();
	const dialog = page.getByRole('dialog', { name: 'Invite Users' });
	await dialog.getByLabel('Email addresses').fill(`${list} `);
	await dialog.getByRole('radio', { name: /Analyst/ }).check();
	return dialog;
}

describe('Invite Users, address by address, in Chromium', () => {
	it('holds back an unknown domain, sums up the list, and tells added from invited', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		const dialog = await openWithList(ada.page, LIST);
		const summary = dialog.getByRole('status');
		await expect
			.poll(() => summary.textContent())
			.toContain('1 Aurora Analyst, 1 unknown domain, 1 already a member');
		const invite = dialog.getByRole('button', { name: 'Invite', exact: true });
		expect(await invite.getAttribute('aria-disabled')).toBe('true');
		expect(await dialog.textContent()).toContain(
			'Choose a zone for caleb@cove.example.org, or remove it.'
		);
		await invite.click({ force: true });
		expect(serverRoot<Invite>('invites')).toEqual([]);

		await dialog
			.getByRole('combobox', { name: 'Zone for caleb@cove.example.org' })
			.selectOption({ label: 'Borealis (Institution Zone)' });
		await dialog
			.getByRole('combobox', { name: 'Role for caleb@cove.example.org' })
			.selectOption({ label: 'Consumer' });
		await expect
			.poll(() => summary.textContent())
			.toContain('1 Aurora Analyst, 1 Borealis Consumer, 1 already a member');
		await invite.click();

		await expect
			.poll(() =>
				ada.page
					.getByText('Added 1 person who already had an account to Analytics; sent 1 invitation.')
					.isVisible()
			)
			.toBe(true);
		const caleb = serverRoot<Member>('members').find((member) => member.accountId === calebId);
		expect(caleb).toMatchObject({ role: 'consumer', zoneId: 'borealis' });
		expect(
			serverRoot<Invite>('invites').map(({ email, role, zoneId, status }) => ({
				email,
				role,
				zoneId,
				status
			}))
		).toEqual(
			expect.arrayContaining([
				{ email: 'ann@aurora.example.edu', role: 'analyst', zoneId: 'aurora', status: 'sent' },
				{
					email: 'caleb@cove.example.org',
					role: 'consumer',
					zoneId: 'borealis',
					status: 'accepted'
				}
			])
		);
		await e2e.smtp.nextMessageTo('ann@aurora.example.edu');
		await leave(ada);
	});

	for (const viewport of [
		{ width: 1280, height: 800 },
		{ width: 390, height: 844 }
	]) {
		it(`has no serious accessibility violations with a list to resolve, ${viewport.width}px wide`, async () => {
			const ada = await signedInAs(e2e, 'ada', USERS, viewport);
			// Nobody invited or added yet: whatever the test above did, one address to resolve.
			const dialog = await openWithList(
				ada.page,
				`dee${viewport.width}@aurora.example.edu, zed@elsewhere.example.net, nia@example.org`
			);
			await expect
				.poll(() => dialog.getByRole('status').textContent())
				.toContain('1 unknown domain');
			await expectNoSeriousViolations(ada.page, `Invite Users at ${viewport.width}px`);
			const invite = dialog.getByRole('button', { name: 'Invite', exact: true });
			expect(await invite.isVisible()).toBe(true);
			await leave(ada);
		});
	}
});
