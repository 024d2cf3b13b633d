/**
 * Finding 11 of the truthful-console issue, wording: counts in the singular when there is one
 * ("1 recipient", no "0 requests wait"), "No projects yet · Project directory" with its spaces,
 * the outbox's states in words (no raw `kept-locally`), one date format ("30 Nov 2026 18:22") in
 * pages and mails (an expiry with its time zone named, not a GMT date string), and no Merge or
 * Drop buttons that no role may ever use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { launchBrowser, newPerson } from '../support/browser';
import { leave, signedInAs, startE2E, type E2E } from '../support/e2e';
import { BOARD, JOIN_REQUEST, LEXICON_ENTRY } from '../support/entry-fixtures';
import { startServer } from '../support/server';
import { setUpProject } from '../support/sync';

let e2e: E2E;

/** "30 Nov 2026 18:22". */
const DATE_TIME = /\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}\b/;

beforeAll(async () => {
	e2e = await startE2E();
	setUpProject(e2e.server, 'network-zone', [
		{ accountId: 'ada', role: 'admin', zone: 'nz' },
		{ accountId: 'ned', role: 'consumer', zone: 'nz' }
	]);
	createAccount(e2e.server.app.authDb, {
		id: 'nobody',
		email: 'nobody@example.org',
		name: 'Nobody'
	});
	// A request already decided: none waits.
	e2e.server.app.registry.change('project/p1', (roots) =>
		roots.requests.set(JOIN_REQUEST.id, {
			...JOIN_REQUEST,
			status: 'approved',
			decidedBy: 'ada',
			decidedAt: Date.UTC(2026, 10, 30, 18, 22)
		})
	);
	e2e.server.app.registry.change('view/p1/global', (roots) => {
		roots.boards.set(BOARD.id, BOARD);
		roots.subscriptions.set('s1', {
			id: 's1',
			createdBy: 'ada',
			createdAt: 1,
			updatedBy: 'ada',
			updatedAt: 1,
			boardId: BOARD.id,
			cadence: 'weekly',
			recipients: ['ned@example.org'],
			paused: false
		});
		roots.lexicon.set(LEXICON_ENTRY.id, LEXICON_ENTRY);
	});
});

afterAll(() => e2e.close());

describe('the console’s words, in Chromium', () => {
	it('names a subscription’s recipients instead of counting them, and says when nothing waits', async () => {
		const ada = await signedInAs(e2e, 'ada', '/projects/p1/views/global?section=subscriptions');
		const main = ada.page.getByRole('main');
		await expect.poll(() => main.textContent()).toContain('Weekly to Name of ned');
		expect(await main.textContent()).not.toMatch(/\d recipients?\b/);

		await ada.page.goto(`${e2e.server.url}/projects/p1/settings/requests`);
		await expect
			.poll(() => main.getByText('No request is waiting for a decision.').isVisible())
			.toBe(true);
		expect(await main.textContent()).not.toMatch(/0 requests? wait/);
		// The decision's date, in the console's one format.
		expect(await main.getByText(/^Approved by/).textContent()).toMatch(DATE_TIME);
		await leave(ada);
	});

	it('spaces "No projects yet · Project directory"', async () => {
		const nobody = await signedInAs(e2e, 'nobody', '/');
		const banner = nobody.page.getByRole('banner');
		await expect.poll(() => banner.getByText('No projects yet').isVisible()).toBe(true);
		// The gap between the last letter of "yet" and the dot, and between the dot and the link.
		const gaps = await banner.evaluate((bar) => {
			const letters: Array<{ char: string; left: number; right: number }> = [];
			const walker = document.createTreeWalker(bar, NodeFilter.SHOW_TEXT);
			for (let node = walker.nextNode(); node; node = walker.nextNode()) {
				for (let index = 0; index < (node.textContent ?? '').length; index++) {
					const char = node.textContent![index]!;
					if (char.trim() === '') continue;
					const range = document.createRange();
					range.setStart(node, index);
					range.setEnd(node, index + 1);
					const box = range.getBoundingClientRect();
					letters.push({ char, left: box.left, right: box.right });
				}
			}
			const text = letters.map((letter) => letter.char).join('');
			const dot = text.indexOf('yet·') + 3;
			return {
				before: letters[dot]!.left - letters[dot - 1]!.right,
				after: letters[dot + 1]!.left - letters[dot]!.right
			};
		});
		expect(gaps.before).toBeGreaterThanOrEqual(3);
		expect(gaps.after).toBeGreaterThanOrEqual(3);
		await leave(nobody);
	});

	it('writes dates one way, and offers no Merge or Drop that no role may use', async () => {
		const ada = await signedInAs(e2e, 'ada', '/settings/personal');
		const sessions = ada.page.getByRole('list', { name: 'Sessions' });
		await expect.poll(() => sessions.isVisible()).toBe(true);
		expect(await sessions.textContent()).toMatch(DATE_TIME);

		await ada.page.goto(`${e2e.server.url}/projects/p1/views/global?section=lexicon`);
		const main = ada.page.getByRole('main');
		await expect
			.poll(() => main.getByText('No role can merge data in Lexicon.').isVisible())
			.toBe(true);
		expect(await main.getByRole('button', { name: /^(Merge|Drop)\b/ }).count()).toBe(0);
		await leave(ada);
	});

	it('says when an invitation expires in the same format, its time zone named', async () => {
		const ada = await signedInAs(e2e, 'ada', '/projects/p1/settings/users');
		await ada.page.getByRole('button', { name: 'Invite Users' }).click();
		const dialog = ada.page.getByRole('dialog');
		await dialog.getByLabel('Email addresses').fill('dates@example.org ');
		await dialog.getByLabel('Zone').selectOption({ label: 'Office (Network Zone)' });
		await dialog.getByRole('radio', { name: /Consumer/ }).check();
		await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
		const mail = await e2e.smtp.nextMessageTo('dates@example.org');
		expect(mail.text).toMatch(new RegExp(`expires on ${DATE_TIME.source} UTC`));
		expect(mail.text).not.toContain('GMT');
		await leave(ada);
	});
});

describe('the development outbox', () => {
	it('says what became of each message in words', async () => {
		// Without SMTP, mail is kept in the outbox, which the console shows.
		const server = await startServer();
		createAccount(server.app.authDb, { email: 'someone@example.org', name: 'Someone' });
		const browser = await launchBrowser();
		const person = await newPerson(browser);
		const answer = await fetch(`${server.url}/api/auth/link`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Origin: server.origin },
			body: JSON.stringify({ email: 'someone@example.org' })
		});
		expect(answer.status).toBeLessThan(300);
		await person.page.goto(`${server.url}/dev/outbox`);
		const messages = person.page.getByRole('list', { name: 'Messages, newest first' });
		await expect.poll(() => messages.isVisible()).toBe(true);
		await expect.poll(() => messages.getByText('Kept here, not sent').isVisible()).toBe(true);
		expect(await messages.textContent()).not.toContain('kept-locally');
		expect(await messages.textContent()).toMatch(DATE_TIME);
		await browser.close();
		await server.close();
	});
});
