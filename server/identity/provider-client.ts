/**
 * The console as a client of each zone's identity provider, through openid-client (a maintained,
 * certified OpenID Connect client: no token is checked by hand here). A provider's configuration
 * comes from its discovery document, fetched when the provider is set (a wrong issuer fails then,
 * with the reason) and again when the server first needs it; openid-client keeps the provider's
 * published keys (JWKS) with it.
 *
 * Every ID token is checked by openid-client: issuer, audience (and authorized party), expiry,
 * nonce, and, because non-repudiation checks are on, its signature by a key of the provider's
 * JWKS. The code is bound to the browser that asked for it by PKCE (S256) and the state.
 */
import * as oidc from 'openid-client';
import { isLoopbackIssuer, isSafeProviderUrl } from '../../src/lib/shared/identity-provider';
import { fail, succeed, type Outcome } from '../../src/lib/shared/outcome';
import { describeProviderError, type ProviderFailure } from './provider-errors';
import { fetchFromProvider } from './provider-fetch';
import { secretContext, type StoredProvider } from './providers';
import type { SecretBox } from './secret-box';

/** How long the console waits for a provider's answer, in seconds. @default 10 */
const PROVIDER_TIMEOUT_SECONDS = 10;

export type ClientConfiguration = oidc.Configuration;

export type ConfigurationOutcome = Outcome<
	{ configuration: ClientConfiguration },
	ProviderFailure['code'] | 'identity-provider-secret-unreadable'
>;

/** What a provider is reached with: its issuer and the console's client credentials there. */
export interface ProviderCredentials {
	issuer: string;
	clientId: string;
	clientSecret: string;
}

/**
 * Fetches the provider's discovery document and makes the client configuration from it. Fails
 * with a sentence when the issuer is wrong, unreachable, or does not offer what sign-in needs.
 */
export async function discoverProvider(
	credentials: ProviderCredentials
): Promise<Outcome<{ configuration: ClientConfiguration }, ProviderFailure['code']>> {
	let configuration: ClientConfiguration;
	try {
		configuration = await oidc.discovery(
			new URL(credentials.issuer),
			credentials.clientId,
			undefined,
			// Every provider must accept HTTP Basic client authentication (RFC 6749, 2.3.1).
			oidc.ClientSecretBasic(credentials.clientSecret),
			{
				timeout: PROVIDER_TIMEOUT_SECONDS,
				// Kept in the configuration: every later request to the provider is bounded too.
				[oidc.customFetch]: fetchFromProvider,
				execute: [
					oidc.enableNonRepudiationChecks,
					// Plain http only for a provider on this machine (IssuerSchema allows no other).
					...(isLoopbackIssuer(credentials.issuer) ? [oidc.allowInsecureRequests] : [])
				]
			}
		);
	} catch (error) {
		return describeProviderError(error, credentials.issuer);
	}
	const metadata = configuration.serverMetadata();
	const missing = (['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const).filter(
		(field) => !metadata[field]
	);
	if (missing.length > 0) {
		return fail(
			'identity-provider-unusable',
			`${credentials.issuer} is an OAuth server, but its discovery document has no ${missing.join(', ')}: the console needs an OpenID Connect provider that publishes its keys.`
		);
	}
	const unsafe = ENDPOINTS.filter((field) => metadata[field] && !isSafe(metadata[field]));
	if (unsafe.length > 0) {
		return fail(
			'identity-provider-unusable',
			`${credentials.issuer}'s discovery document sends the console to plain http elsewhere (${unsafe.map((field) => `${field} ${metadata[field]}`).join(', ')}): every endpoint must be https:// (http:// only on this machine).`
		);
	}
	return succeed({ configuration });
}

/**
 * The endpoints the console or the person's browser is sent to. openid-client refuses plain http
 * to any of them only when the issuer is https, and only once a sign-in uses them; a provider on
 * this machine may otherwise name any.
 */
const ENDPOINTS = [
	'authorization_endpoint',
	'token_endpoint',
	'jwks_uri',
	'userinfo_endpoint'
] as const;

function isSafe(endpoint: string): boolean {
	return URL.canParse(endpoint) && isSafeProviderUrl(new URL(endpoint));
}

/**
 * Client configurations by zone, made once per version of the zone's provider (its issuer,
 * client and time of change), so that a provider changed by the admin command beside the server
 * is used at its next sign-in.
 */
export class ProviderClients {
	readonly #box: SecretBox;
	readonly #configurations = new Map<
		string,
		{ version: string; pending: Promise<ConfigurationOutcome> }
	>();

	constructor(box: SecretBox) {
		this.#box = box;
	}

	async configurationOf(provider: StoredProvider): Promise<ConfigurationOutcome> {
		const version = `${provider.issuer} ${provider.clientId} ${provider.updatedAt}`;
		const known = this.#configurations.get(provider.zoneId);
		if (known?.version === version) return known.pending;
		const opened = this.#box.open(provider.clientSecretSealed, secretContext(provider.zoneId));
		if (!opened.ok) return fail('identity-provider-secret-unreadable', opened.message);
		const pending = discoverProvider({
			issuer: provider.issuer,
			clientId: provider.clientId,
			clientSecret: opened.secret
		});
		this.#configurations.set(provider.zoneId, { version, pending });
		const outcome = await pending;
		// A failure is not kept: the provider may be back at the next sign-in.
		if (!outcome.ok && this.#configurations.get(provider.zoneId)?.pending === pending)
			this.#configurations.delete(provider.zoneId);
		return outcome;
	}
}

/** What the console checks the provider's answer against: what it kept when it sent the person. */
export interface SignInChecks {
	state: string;
	nonce: string;
	codeVerifier: string;
}

/**
 * Exchanges the code of the provider's answer (`callbackUrl`: the redirect URI with the answer's
 * query) for tokens, and returns the ID token's claims once openid-client has checked them. A
 * provider that keeps the address out of its ID tokens (as some do when an access token comes
 * with them) is asked at its UserInfo endpoint, whose answer openid-client accepts only for the
 * same subject.
 */
export async function exchangeCode(
	configuration: ClientConfiguration,
	callbackUrl: URL,
	checks: SignInChecks
): Promise<Outcome<{ claims: Readonly<Record<string, unknown>> }, ProviderFailure['code']>> {
	const issuer = configuration.serverMetadata().issuer;
	try {
		const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
			pkceCodeVerifier: checks.codeVerifier,
			expectedNonce: checks.nonce,
			expectedState: checks.state,
			idTokenExpected: true
		});
		const claims = tokens.claims()!;
		if (typeof claims.email === 'string' || !configuration.serverMetadata().userinfo_endpoint)
			return succeed({ claims });
		const info = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
		const { email, email_verified, name, given_name, family_name } = info;
		return succeed({ claims: { ...claims, email, email_verified, name, given_name, family_name } });
	} catch (error) {
		return describeProviderError(error, issuer);
	}
}
