/**
 * The provisioning panel on the roster, in Chromium: the consortium office issues Aurora's SCIM
 * token, which is shown once and works; replaces it (the old one stops at once) and revokes it;
 * a person Aurora's identity provider deactivated is marked so on the roster; once Aurora has
 * left the consortium, its card says so and offers only to revoke its token. No serious
 * accessibility problem on a desktop or a phone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolations, leave, signedInAs, startE2E, type E2E } from '../support/e2e';
import { ADDRESS, issueZoneToken, newUser, patch, scim, setUpLights } from '../support/scim';
import { signedIn } from '../support/workflows';

let e2e: E2E;
const ROSTER = '/consortia/lights/roster';

beforeAll(async () => {
	e2e = await startE2E();
	setUpLights(e2e.server);
});

afterAll(() => e2e.close());

const listUsers = (token: string) => scim(e2e.server, 'GET', '/Users', { token });

describe('the provisioning panel, in Chromium', () => {
	it('issues a token shown once, replaces it and revokes it', async () => {
		const nadia = await signedInAs(e2e, 'nadia', ROSTER);
		const { page } = nadia;
		const panel = page.getByRole('region', { name: 'Provisioning from identity providers (SCIM)' });
		await panel.waitFor();
		await expect
			.poll(() => page.getByLabel('SCIM base URL').inputValue())
			.toBe(`${e2e.server.url}/scim/v2`);

		await page.getByRole('button', { name: 'Issue a token for Aurora' }).click();
		const shown = page.getByLabel('SCIM token for Aurora');
		await shown.waitFor();
		const first = await shown.inputValue();
		expect(first).toMatch(/^scim_/);
		expect(await page.getByText('Copy it now: it is shown only once.').isVisible()).toBe(true);
		expect((await listUsers(first)).status).toBe(200);
		await expectNoSeriousViolations(page, 'the panel with a new token');

		// Shown once: not after the page is opened again.
		await page.reload();
		const aurora = panel
			.getByRole('listitem')
			.filter({ has: page.getByRole('heading', { name: 'Aurora' }) });
		await expect.poll(() => aurora.innerText()).toContain('Token active');
		expect(await page.content()).not.toContain(first);
		expect(await aurora.innerText()).toContain('by Name of nadia');

		await page.getByRole('button', { name: 'Replace the token of Aurora' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'Replace token' }).click();
		await expect.poll(() => page.getByLabel('SCIM token for Aurora').inputValue()).not.toBe(first);
		const second = await page.getByLabel('SCIM token for Aurora').inputValue();
		expect((await listUsers(first)).status).toBe(401);
		expect((await listUsers(second)).status).toBe(200);

		await page.getByRole('button', { name: 'Revoke the token of Aurora' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
		await expect.poll(() => aurora.innerText()).toContain('No token');
		expect(await page.getByLabel('SCIM token for Aurora').count()).toBe(0);
		expect((await listUsers(second)).status).toBe(401);
		await leave(nadia);
	});

	it('marks the people a zone’s identity provider provisioned, and reads on a phone', async () => {
		const token = await issueZoneToken(e2e.server, 'aurora');
		const ian = (await scim(e2e.server, 'POST', '/Users', { token, body: newUser(ADDRESS.ian) }))
			.body;
		await scim(e2e.server, 'POST', '/Users', { token, body: newUser('ada@aurora.example.edu') });
		await scim(e2e.server, 'PATCH', `/Users/${ian.id}`, {
			token,
			body: patch({ op: 'replace', value: { active: false } })
		});
		const nadia = await signedInAs(e2e, 'nadia', ROSTER, { width: 390, height: 844 });
		const { page } = nadia;
		const row = (name: string) => page.getByRole('row').filter({ hasText: name });
		await row('Display ian').waitFor();
		expect(await row('Display ian').innerText()).toContain(
			'Deactivated by Aurora’s identity provider'
		);
		expect(await row('Display ada').innerText()).toContain(
			'Provisioned by Aurora’s identity provider'
		);
		expect(await row('Name of nadia').innerText()).not.toContain('identity provider');
		const aurora = page
			.getByRole('listitem')
			.filter({ has: page.getByRole('heading', { name: 'Aurora' }) });
		await expect.poll(() => aurora.innerText()).toContain('1 person active, 1 deactivated');
		await expectNoSeriousViolations(page, 'the roster on a phone');
		await leave(nadia);
	});

	it('says a zone that left provisions nobody, and offers only to revoke its token', async () => {
		const token = await issueZoneToken(e2e.server, 'aurora');
		const office = signedIn(e2e.server, 'nadia');
		const plan = (await office.get('/api/consortia/lights/offboarding/aurora')).body;
		const left = await office.post('/api/consortia/lights/offboarding/aurora', {
			fingerprint: plan.fingerprint,
			confirmation: 'Aurora'
		});
		expect(left.status).toBe(200);
		expect((await listUsers(token)).status).toBe(403);

		const nadia = await signedInAs(e2e, 'nadia', ROSTER);
		const { page } = nadia;
		const card = (name: string) =>
			page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
		await expect.poll(() => card('Aurora').innerText()).toContain('Left the consortium');
		expect(await card('Aurora').innerText()).toMatch(
			/Aurora left the consortium on \d+ \w{3} \d{4}: its identity provider can no longer provision\./
		);
		expect(await card('Aurora').innerText()).not.toContain('Token active');
		expect(await page.getByRole('button', { name: 'Replace the token of Aurora' }).count()).toBe(0);
		expect(await page.getByRole('button', { name: 'Issue a token for Aurora' }).count()).toBe(0);
		expect(await card('Borealis').innerText()).not.toContain('Left the consortium');
		expect(await page.getByRole('button', { name: 'Issue a token for Borealis' }).count()).toBe(1);
		await expectNoSeriousViolations(page, 'the panel with a zone that left');

		await page.getByRole('button', { name: 'Revoke the token of Aurora' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
		await expect.poll(() => card('Aurora').innerText()).toContain('Token\nNone');
		expect(await page.getByRole('button', { name: /Aurora$/ }).count()).toBe(0);
		await leave(nadia);
	});
});
