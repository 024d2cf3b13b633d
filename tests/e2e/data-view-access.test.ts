/**
 * Finding 4 of the truthful-console issue: a link to a data view the person may not open. An
 * Institution Zone analyst who follows a colleague's link to the Network Office's view is told
 * she cannot open it and which views she can, while still a member of the project; nothing offers
 * to create anything there, and no notice claims her access was removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	expectNoSeriousViolations,
	leave,
	signedInAs,
	startE2E,
	type E2E,
	type Person
} from '../support/e2e';
import { setUpProject } from '../support/sync';

let e2e: E2E;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'ian', role: 'analyst', zone: 'aurora' }
	]);
});

afterAll(() => e2e.close());

const GLOBAL_VIEW = '/projects/p1/views/global';

/** The sync connections a page opened, by document name. */
function documentsOpened(person: Person): string[] {
	const opened: string[] = [];
	person.page.on('websocket', (socket) => {
		const name = new URL(socket.url()).pathname.replace(/^\/sync\//, '');
		opened.push(decodeURIComponent(name));
	});
	return opened;
}

describe('a data view the person may not open, in Chromium', () => {
	it('says so, names the views she can open, offers no action and claims no removal', async () => {
		for (const viewport of [
			{ width: 1280, height: 800 },
			{ width: 390, height: 844 }
		]) {
			const ian = await signedInAs(e2e, 'ian', '/projects/p1/views', viewport);
			// With one view of her own, the list opens it.
			await ian.page.waitForURL(/\/views\/iz-aurora$/);
			const opened = documentsOpened(ian);

			await ian.page.goto(`${e2e.server.url}${GLOBAL_VIEW}`);
			const honest = ian.page.getByRole('heading', { name: 'You cannot open this data view' });
			await expect.poll(() => honest.isVisible()).toBe(true);
			const main = ian.page.getByRole('main');
			expect(await main.textContent()).toContain('You are still a member of Analytics');
			const own = main.getByRole('link', { name: 'Aurora' });
			expect(await own.getAttribute('href')).toBe('/projects/p1/views/iz-aurora');
			expect(await main.getByRole('button', { name: /Create/ }).count()).toBe(0);
			expect(await main.getByText('Loading…').count()).toBe(0);

			// The project is there and synced, and the view's documents were never asked for.
			await expect
				.poll(() => opened.some((name) => name === 'project/p1'), { timeout: 10_000 })
				.toBe(true);
			expect(opened.filter((name) => name.includes('/global'))).toEqual([]);
			expect(await ian.page.getByText(/no longer have access|Access removed/).count()).toBe(0);
			await expectNoSeriousViolations(ian.page, `not her data view at ${viewport.width}px`);

			await own.click();
			await ian.page.waitForURL(/\/views\/iz-aurora$/);
			await expect
				.poll(() => ian.page.getByRole('button', { name: 'Create board' }).isVisible())
				.toBe(true);
			await leave(ian);
		}
	});

	it('shows the same page, not an endless loading, when she is moved out of the view she is in', async () => {
		const ian = await signedInAs(e2e, 'ian', '/projects/p1/views/iz-aurora');
		await expect
			.poll(() => ian.page.getByRole('button', { name: 'Create board' }).isVisible())
			.toBe(true);

		e2e.server.app.registry.change('project/p1', (roots) => {
			const member = roots.members.get('ian')!;
			roots.members.set('ian', { ...member, scope: ['iz-borealis'] });
		});

		await expect
			.poll(() =>
				ian.page.getByRole('heading', { name: 'You cannot open this data view' }).isVisible()
			)
			.toBe(true);
		const main = ian.page.getByRole('main');
		expect(await main.getByRole('link', { name: 'Borealis' }).getAttribute('href')).toBe(
			'/projects/p1/views/iz-borealis'
		);
		expect(await main.getByRole('button', { name: /Create/ }).count()).toBe(0);
		await leave(ian);
	});
});
