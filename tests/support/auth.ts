/**
 * Fixtures for tests of the identity core: a clock the test moves forward instead of sleeping,
 * auth settings with a cheap (but real) scrypt cost, accounts created straight in the database,
 * and signing in through the emailed link as a person would.
 */
import { createAccount, setAccountPassword, type Account } from '../../server/auth/accounts';
import { hashPassword } from '../../server/auth/passwords';
import { DEFAULT_AUTH_POLICY, type AuthPolicy } from '../../server/auth/settings';
import type { Config } from '../../server/config';
import type { Log } from '../../server/observability/log';
import type { TestClient } from './client';
import { startServer, type TestServer } from './server';
import { extractLink, tokenFromLink, type TestSmtpServer } from './smtp';

/** scrypt with N=2^10: the same algorithm and format, a thousandth of the work. */
export const FAST_PASSWORD_COST = { log2N: 10, r: 8, p: 1 };

export class TestClock {
	constructor(public time = Date.UTC(2025, 0, 15, 9, 0, 0)) {}
	readonly now = () => this.time;
	advance(ms: number): void {
		this.time += ms;
	}
}

export function testAuthPolicy(changes: Partial<AuthPolicy> = {}): AuthPolicy {
	return { ...structuredClone(DEFAULT_AUTH_POLICY), passwordCost: FAST_PASSWORD_COST, ...changes };
}

export interface AuthServerOptions {
	smtp?: TestSmtpServer;
	clock?: TestClock;
	policy?: Partial<AuthPolicy>;
	config?: Partial<Config>;
	onAccountChanged?: (account: Account) => void;
	/** Where the server logs (tests/support/log.ts captures it). */
	log?: Log;
}

/** A console server with test auth settings, mailing through `smtp` when given. */
export function startAuthServer(options: AuthServerOptions = {}): Promise<TestServer> {
	return startServer(
		{ auth: testAuthPolicy(options.policy), ...options.config },
		options.smtp ? { SMTP_URL: options.smtp.url } : {},
		{ now: options.clock?.now, onAccountChanged: options.onAccountChanged, log: options.log }
	);
}

export async function createTestAccount(
	server: TestServer,
	input: { email: string; name?: string; password?: string }
): Promise<Account> {
	const created = createAccount(server.app.authDb, {
		email: input.email,
		name: input.name ?? input.email.split('@')[0]!
	});
	if (!created.ok) throw new Error(`${input.email} already has an account`);
	if (input.password !== undefined) {
		const hash = await hashPassword(input.password, server.app.config.auth.passwordCost);
		setAccountPassword(server.app.authDb, created.account.id, hash);
	}
	return created.account;
}

/** Asks for a sign-in link, reads it from the delivered mail and uses it, as a person would. */
export async function signInWithLink(
	client: TestClient,
	smtp: TestSmtpServer,
	email: string
): Promise<void> {
	const asked = await client.post('/api/auth/link', { email });
	if (asked.status !== 202) throw new Error(`Link request answered ${asked.status}`);
	const token = tokenFromLink(extractLink(await smtp.nextMessageTo(email), '/sign-in/link'));
	const signedIn = await client.post('/api/auth/link/consume', { token });
	if (signedIn.status !== 200) throw new Error(`Link sign-in answered ${signedIn.status}`);
}
