/**
 * Finding 10 of the truthful-console issue, small screens: at 390x844 the members list scrolls
 * with the page (not in a box of its own, four cards tall); a zone's or a data view's name that is
 * cut can be read whole with a tap; tabs and the project's sections show that they scroll; and
 * when another admin removes the person whose role menu is open, focus goes to the name of the
 * person now in that place and the list says what happened. (The widget's dialogs: embed.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { putMember } from '../../server/consortium/projects';
import { leave, memberRow, signedInAs, startE2E, type E2E } from '../support/e2e';
import { setUpProject } from '../support/sync';

let e2e: E2E;
const PHONE = { width: 390, height: 844 };
const LONG_VIEW_NAME = 'Aurora University Library, Main Campus and the Faculty Branches';

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'bo', role: 'admin', zone: 'nz' },
		{ accountId: 'nia', role: 'analyst', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' }
	]);
	// Enough people for the list to be many screens tall on a phone.
	for (let index = 0; index < 30; index++) {
		const accountId = `reader${String(index).padStart(2, '0')}`;
		createAccount(e2e.server.app.authDb, {
			id: accountId,
			email: `${accountId}@example.org`,
			name: `Reader ${String(index).padStart(2, '0')}`
		});
		putMember(e2e.server.app.db, e2e.server.app.registry, 'p1', {
			accountId,
			email: `${accountId}@example.org`,
			name: `Reader ${String(index).padStart(2, '0')}`,
			role: 'consumer',
			zoneId: index % 2 === 0 ? 'aurora' : 'borealis'
		});
	}
	// A data view whose name is longer than a phone's line.
	e2e.server.app.registry.change('project/p1', (roots) => {
		const view = roots.views.get('iz-aurora')!;
		roots.views.set('iz-aurora', { ...view, name: LONG_VIEW_NAME });
	});
});

afterAll(() => e2e.close());

const USERS = '/projects/p1/settings/users';

describe('small screens, in Chromium', () => {
	it('scrolls the members list with the page, not in a box of its own', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS, PHONE);
		await expect.poll(() => memberRow(ada.page, 'Name of ada').isVisible()).toBe(true);
		const list = ada.page.getByRole('table', { name: 'Users of Analytics' });
		// Nothing inside the list scrolls: the page does.
		expect(
			await list.evaluate((table) =>
				[...table.querySelectorAll('*')].some((element) => {
					const { overflowY } = getComputedStyle(element);
					return (
						(overflowY === 'auto' || overflowY === 'scroll') &&
						element.scrollHeight > element.clientHeight
					);
				})
			)
		).toBe(false);
		expect(await ada.page.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(
			3 * PHONE.height
		);

		// Scrolling the page brings the last people into the list's window.
		await ada.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
		await expect.poll(() => memberRow(ada.page, 'Reader 29').isVisible()).toBe(true);
		await leave(ada);
	});

	it('shows that the project’s sections scroll, and keeps the current one in view', async () => {
		const ada = await signedInAs(e2e, 'ada', '/projects/p1/settings/audit', PHONE);
		const sections = ada.page.getByRole('navigation', { name: 'Project' }).getByRole('list');
		const audit = ada.page.getByRole('link', { name: 'Audit log' });
		await expect.poll(() => audit.getAttribute('aria-current')).toBe('page');
		await expect
			.poll(() =>
				sections.evaluate((row) => ({
					scrolls: row.scrollWidth > row.clientWidth,
					more: row.hasAttribute('data-more-after') || row.hasAttribute('data-more-before'),
					faded: getComputedStyle(row).maskImage !== 'none'
				}))
			)
			.toEqual({ scrolls: true, more: true, faded: true });
		const box = (await audit.boundingBox())!;
		expect(box.x).toBeGreaterThanOrEqual(0);
		expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
		await leave(ada);
	});

	it('lets a cut data view name be read whole with a tap', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS, PHONE, { hasTouch: true, isMobile: true });
		await expect.poll(() => memberRow(ada.page, 'Reader 00').isVisible()).toBe(true);
		const cut = memberRow(ada.page, 'Reader 00').getByRole('button', { name: LONG_VIEW_NAME });
		await expect.poll(() => cut.isVisible()).toBe(true);
		// It is cut: the whole name is wider than its place.
		expect(await cut.evaluate((text) => text.scrollWidth > text.clientWidth)).toBe(true);
		await cut.tap();
		const whole = ada.page.locator('.tooltip').filter({ hasText: LONG_VIEW_NAME });
		await expect.poll(() => whole.isVisible()).toBe(true);
		const box = (await whole.boundingBox())!;
		expect(box.x).toBeGreaterThanOrEqual(0);
		expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
		// A tap elsewhere puts it away.
		await ada.page.getByRole('heading', { name: 'Project Users' }).tap();
		await expect.poll(() => whole.count()).toBe(0);
		await leave(ada);
	});

	it('moves focus to the name now in the removed person’s place, and says what happened', async () => {
		const ada = await signedInAs(e2e, 'ada', USERS);
		await ada.page.getByRole('button', { name: /^Role of Name of ned:/ }).click();
		await expect
			.poll(() => ada.page.evaluate(() => document.activeElement?.getAttribute('role') ?? 'none'))
			.toBe('menuitemradio');

		// Bo, in another browser, removes Ned while Ada's menu for him is open.
		e2e.server.app.registry.change('project/p1', (roots) => roots.members.delete('ned'));

		await expect.poll(() => memberRow(ada.page, 'Name of ned').count()).toBe(0);
		await expect
			.poll(() =>
				ada.page.evaluate(() => ({
					role: document.activeElement?.getAttribute('role'),
					text: document.activeElement?.textContent?.trim()
				}))
			)
			.toEqual({ role: 'rowheader', text: 'Name of nia' });
		expect(
			await ada.page.getByText('Name of ned is no longer a member of Analytics.').count()
		).toBe(1);
		await leave(ada);
	});
});
