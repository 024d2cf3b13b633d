import { describe, expect, it } from 'vitest';
import { describeDuration } from '../../server/mail/compose';
import {
	accessRequestedMail,
	addedToProjectMail,
	boardDigestMail,
	getStartedMail,
	invitationMail,
	requestDecidedMail,
	signInLinkMail
} from '../../server/mail/templates';

const site = { url: 'https://console.example.org' };

describe('mail templates', () => {
	it('invites with project, role, inviter, an Accept Invite link and the expiry', () => {
		const mail = invitationMail({
			site,
			to: 'ada@library.example.edu',
			projectName: 'Union Catalogue',
			roleLabel: 'Analyst',
			inviterName: 'Grace',
			token: 'tok123',
			expiresAt: Date.UTC(2025, 0, 22, 9)
		});
		expect(mail.subject).toBe('Grace invited you to Union Catalogue');
		for (const body of [mail.text, mail.html]) {
			expect(body).toContain('Union Catalogue');
			expect(body).toContain('Analyst');
			expect(body).toContain('Accept Invite');
			expect(body).toContain('https://console.example.org/invite#token=tok123');
			expect(body).toContain('expires on 22 Jan 2025 09:00 UTC');
		}
	});

	it('escapes everything a person typed in the HTML form', () => {
		const mail = invitationMail({
			site,
			to: 'ada@library.example.edu',
			projectName: '<script>alert(1)</script>',
			roleLabel: 'Consumer',
			inviterName: 'Eve "the" <b>bold</b> & co',
			token: 'tok',
			expiresAt: 0
		});
		expect(mail.html).not.toContain('<script>');
		expect(mail.html).not.toContain('<b>');
		expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(mail.html).toContain('Eve &quot;the&quot; &lt;b&gt;bold&lt;/b&gt; &amp; co');
		expect(mail.text).toContain('<script>alert(1)</script>');
	});

	it('builds links from the site URL, keeping a base path and dropping a trailing slash', () => {
		const mail = signInLinkMail({
			site: { url: 'https://portal.example.org/console/' },
			to: 'ada@library.example.edu',
			token: 'abc',
			lifetimeMs: 15 * 60_000
		});
		expect(mail.text).toContain('https://portal.example.org/console/sign-in/link#token=abc');
		expect(mail.text).toContain('expires in 15 minutes');
	});

	it('offers a Get Started link that signs the new account in', () => {
		const mail = getStartedMail({
			site,
			to: 'ada@library.example.edu',
			name: 'Ada',
			token: 'xyz',
			lifetimeMs: 15 * 60_000
		});
		expect(mail.text).toContain('Get Started: https://console.example.org/sign-in/link#token=xyz');
		expect(mail.html).toContain('>Get Started</a>');
	});

	it('tells an existing account it was added, with a link to the console and no token', () => {
		const mail = addedToProjectMail({
			site,
			to: 'ada@library.example.edu',
			projectName: 'Union Catalogue',
			roleLabel: 'Project Admin',
			inviterName: 'Grace'
		});
		expect(mail.text).toContain('https://console.example.org/');
		expect(mail.text).not.toContain('token=');
		expect(mail.text).toContain('Project Admin');
	});

	it('tells Project Admins what is asked, with the requester’s message, escaped, and a link to Requests', () => {
		const mail = accessRequestedMail({
			site,
			to: 'iza@aurora.example.edu',
			requesterName: 'Nora <i>NZ</i>',
			requesterEmail: 'nora@office.example.org',
			asked: 'to join Aurora Analytics as Analyst',
			message: 'I run the <b>reports</b>',
			path: '/projects/p1/settings/requests'
		});
		expect(mail.subject).toBe('Nora <i>NZ</i> asks to join Aurora Analytics as Analyst');
		expect(mail.text).toContain('Their message: “I run the <b>reports</b>”');
		expect(mail.text).toContain(
			'Open Requests: https://console.example.org/projects/p1/settings/requests'
		);
		expect(mail.html).not.toContain('<b>');
		expect(mail.html).toContain('Nora &lt;i&gt;NZ&lt;/i&gt;');
	});

	it('tells the requester the decision, with the reason only when there is one', () => {
		const denied = requestDecidedMail({
			site,
			to: 'nora@office.example.org',
			asked: 'to join Aurora Analytics as Project Admin',
			approved: false,
			reason: 'NZ staff join as Analysts',
			consequence: null,
			path: '/'
		});
		expect(denied.subject).toBe(
			'Your request to join Aurora Analytics as Project Admin was denied'
		);
		expect(denied.text).toContain('The reason given: “NZ staff join as Analysts”');
		const approved = requestDecidedMail({
			site,
			to: 'nora@office.example.org',
			asked: 'to join Aurora Analytics as Analyst',
			approved: true,
			reason: '  ',
			consequence: 'The project is now in your project drop-down.',
			path: '/projects/p1'
		});
		expect(approved.text).not.toContain('reason');
		expect(approved.text).toContain('The project is now in your project drop-down.');
	});

	it('sends a digest with the board, its reports and a link into the console', () => {
		const mail = boardDigestMail({
			site,
			to: 'ian@aurora.example.edu',
			projectName: 'Aurora Analytics',
			viewName: 'Aurora',
			boardName: 'Loans',
			cadenceLabel: 'Weekly',
			reportTitles: ['Loans per branch', 'Renewals'],
			path: '/projects/p1/views/main/boards/loans'
		});
		expect(mail.subject).toBe('Weekly digest: Loans (Aurora Analytics)');
		expect(mail.text).toContain('Its reports: “Loans per branch”, “Renewals”.');
		expect(mail.text).toContain('https://console.example.org/projects/p1/views/main/boards/loans');
		expect(mail.text).toContain('You receive this weekly digest');
	});

	it('says link lifetimes as people do', () => {
		expect(describeDuration(15 * 60_000)).toBe('15 minutes');
		expect(describeDuration(60 * 60_000)).toBe('1 hour');
		expect(describeDuration(90 * 60_000)).toBe('90 minutes');
		expect(describeDuration(7 * 24 * 60 * 60_000)).toBe('7 days');
	});
});
