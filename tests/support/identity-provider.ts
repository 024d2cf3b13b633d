/**
 * A real OpenID Provider for the tests: `oidc-provider` (8.x, which supports Node 20) on
 * 127.0.0.1, port 0, with its own RSA signing key, one registered client (the console) and a few
 * people, and its development login and consent pages. `signInAtProvider` is a scripted user agent
 * for server tests: it follows the provider's redirects, fills in its login form and confirms its
 * consent, and stops where the provider sends the browser back to the console.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

/** What the provider says about a person who signs in there with their login. */
export interface ProviderPerson {
	email: string;
	email_verified: boolean;
	name?: string;
}

export interface TestIdentityProvider {
	/** `http://127.0.0.1:<port>`: the issuer identifier. */
	issuer: string;
	clientId: string;
	clientSecret: string;
	/** People by login; a test adds more as it goes. */
	people: Map<string, ProviderPerson>;
	stop(): Promise<void>;
}

export async function startIdentityProvider(options: {
	/** The console's callback URL, registered as the client's one redirect URI. */
	redirectUri: string;
	people?: Record<string, ProviderPerson>;
	clientId?: string;
}): Promise<TestIdentityProvider> {
	const server: Server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const clientId = options.clientId ?? 'consortium-console';
	const clientSecret = `secret-${crypto.randomUUID()}`;
	const people = new Map(Object.entries(options.people ?? {}));
	const { privateKey } = await generateKeyPair('RS256', { extractable: true });
	const signingKey = {
		...(await exportJWK(privateKey)),
		kid: 'test-key',
		alg: 'RS256',
		use: 'sig'
	};

	const provider = new Provider(issuer, {
		clients: [
			{
				client_id: clientId,
				client_secret: clientSecret,
				redirect_uris: [options.redirectUri],
				response_types: ['code'],
				grant_types: ['authorization_code'],
				token_endpoint_auth_method: 'client_secret_basic'
			}
		],
		jwks: { keys: [signingKey] },
		cookies: { keys: [crypto.randomUUID()] },
		claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
		pkce: { required: () => true, methods: ['S256'] },
		features: { devInteractions: { enabled: true } },
		findAccount: (_context, login) => {
			const person = people.get(login);
			if (!person) return undefined;
			return { accountId: login, claims: () => ({ sub: login, ...person }) };
		}
	});
	const handle = provider.callback();
	server.on('request', (req, res) => void handle(req, res));

	return {
		issuer,
		clientId,
		clientSecret,
		people,
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

/**
 * Goes from the authorization URL through the provider's login (as `login`) and consent, and
 * returns the URL the provider sends the browser back to (the console's callback, with the code
 * and state). The agent keeps the provider's cookies, as a browser would.
 */
export async function signInAtProvider(
	authorizationUrl: string,
	login: string,
	callbackPrefix: string
): Promise<URL> {
	const cookies = new Map<string, string>();
	let next: { url: string; form?: URLSearchParams } = { url: authorizationUrl };
	for (let step = 0; step < 20; step += 1) {
		const response = await fetch(next.url, {
			method: next.form ? 'POST' : 'GET',
			redirect: 'manual',
			headers: {
				cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
				...(next.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {})
			},
			body: next.form?.toString()
		});
		for (const header of response.headers.getSetCookie()) {
			const [pair] = header.split(';');
			const index = pair!.indexOf('=');
			cookies.set(pair!.slice(0, index), pair!.slice(index + 1));
		}
		const location = response.headers.get('location');
		if (location) {
			const target = new URL(location, next.url);
			if (target.href.startsWith(callbackPrefix)) return target;
			next = { url: target.href };
			continue;
		}
		const page = await response.text();
		const form = /<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/.exec(page);
		if (!form) throw new Error(`The provider answered ${response.status} with no form:\n${page}`);
		const fields = new URLSearchParams();
		for (const input of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
			fields.set(input[1]!, input[2]!);
		if (/name="login"/.test(form[2]!)) {
			fields.set('login', login);
			fields.set('password', 'any password');
		}
		next = { url: new URL(form[1]!.replaceAll('&amp;', '&'), next.url).href, form: fields };
	}
	throw new Error('The provider never sent the browser back to the console');
}
