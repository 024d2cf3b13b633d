import { describe, expect, it } from 'vitest';
import { describeDuration } from '../../server/mail/compose';
import {
	addedToProjectMail,
	getStartedMail,
	invitationMail,
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
			expect(body).toContain('Wed, 22 Jan 2025 09:00:00 GMT');
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

	it('says link lifetimes as people do', () => {
		expect(describeDuration(15 * 60_000)).toBe('15 minutes');
		expect(describeDuration(60 * 60_000)).toBe('1 hour');
		expect(describeDuration(90 * 60_000)).toBe('90 minutes');
		expect(describeDuration(7 * 24 * 60 * 60_000)).toBe('7 days');
	});
});
