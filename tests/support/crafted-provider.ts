/**
 * A tiny OpenID Provider that mints the ID tokens a test asks for, signed with `jose`, for the
 * refusals a real provider will not produce: another issuer or audience, a wrong nonce, an
 * expired token, an unsigned one (`alg: none`), one signed by a key it does not publish. It serves
 * a discovery document, its JWKS and a token endpoint on 127.0.0.1, port 0; the authorization
 * step is skipped (the test reads state and nonce from the authorization URL and makes the
 * callback itself). It records the PKCE verifier and client authentication each code came with.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	base64url,
	exportJWK,
	generateKeyPair,
	SignJWT,
	type CryptoKey,
	type JWTPayload
} from 'jose';

export interface TokenRecipe {
	/** Claims over the good ones (iss, aud, sub, nonce, iat, exp, email, email_verified). */
	claims?: JWTPayload;
	/** `signed`: with the published key; `other-key`: with a key it does not publish; `none`: unsigned. */
	signature?: 'signed' | 'other-key' | 'none';
}

export interface CraftedProvider {
	issuer: string;
	clientId: string;
	clientSecret: string;
	/** What the next token request answers; the nonce is the one of the authorization. */
	nextToken: TokenRecipe;
	/** The token requests received: form fields, and the Authorization header. */
	tokenRequests: Array<{ form: URLSearchParams; authorization: string | null }>;
	/** Answers a started sign-in as the provider would: `?code=...&state=...` for the callback. */
	callbackQuery(authorizationUrl: string): string;
	stop(): Promise<void>;
}

export async function startCraftedProvider(): Promise<CraftedProvider> {
	const server: Server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const published = await generateKeyPair('RS256');
	const other = await generateKeyPair('RS256');
	const publicJwk = {
		...(await exportJWK(published.publicKey)),
		kid: 'published',
		alg: 'RS256',
		use: 'sig'
	};
	const nonces = new Map<string, string>();

	const crafted: CraftedProvider = {
		issuer,
		clientId: 'crafted-console',
		clientSecret: 'crafted-secret',
		nextToken: {},
		tokenRequests: [],
		callbackQuery(authorizationUrl) {
			const asked = new URL(authorizationUrl).searchParams;
			const code = crypto.randomUUID();
			nonces.set(code, asked.get('nonce') ?? '');
			return new URLSearchParams({ code, state: asked.get('state') ?? '' }).toString();
		},
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};

	const idToken = async (nonce: string): Promise<string> => {
		const now = Math.floor(Date.now() / 1000);
		const claims: JWTPayload = {
			iss: issuer,
			aud: crafted.clientId,
			sub: 'person-1',
			nonce,
			iat: now,
			exp: now + 300,
			email: 'ines@aurora.example.edu',
			email_verified: true,
			...crafted.nextToken.claims
		};
		const signature = crafted.nextToken.signature ?? 'signed';
		if (signature === 'none') {
			const encode = (value: object) => base64url.encode(JSON.stringify(value));
			return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
		}
		const key: CryptoKey = signature === 'signed' ? published.privateKey : other.privateKey;
		return new SignJWT(claims)
			.setProtectedHeader({ alg: 'RS256', kid: 'published', typ: 'JWT' })
			.sign(key);
	};

	server.on('request', (req, res) => {
		const url = new URL(req.url ?? '/', issuer);
		const json = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (url.pathname === '/.well-known/openid-configuration') {
			return json(200, {
				issuer,
				authorization_endpoint: `${issuer}/authorize`,
				token_endpoint: `${issuer}/token`,
				jwks_uri: `${issuer}/jwks`,
				response_types_supported: ['code'],
				subject_types_supported: ['public'],
				id_token_signing_alg_values_supported: ['RS256'],
				code_challenge_methods_supported: ['S256'],
				token_endpoint_auth_methods_supported: ['client_secret_basic']
			});
		}
		if (url.pathname === '/jwks') return json(200, { keys: [publicJwk] });
		if (url.pathname === '/token' && req.method === 'POST') {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
			req.on('end', () => {
				const form = new URLSearchParams(body);
				crafted.tokenRequests.push({ form, authorization: req.headers.authorization ?? null });
				const nonce = nonces.get(form.get('code') ?? '');
				if (nonce === undefined) return json(400, { error: 'invalid_grant' });
				void idToken(nonce).then((token) =>
					json(200, {
						access_token: 'access',
						token_type: 'Bearer',
						expires_in: 300,
						id_token: token
					})
				);
			});
			return;
		}
		json(404, { error: 'not_found' });
	});
	return crafted;
}
