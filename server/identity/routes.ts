/**
 * Signing in through a zone's identity provider, and setting providers up (docs/api.md,
 * docs/security.md). The sign-in page asks for the address first (`startSignIn`): when a zone's
 * provider speaks for it, the sign-in is recorded and the browser is sent to the provider; the
 * provider sends it back to the SPA's callback page, which hands the answer to
 * `completeProviderSignIn`. Both are unauthenticated, so both are rate-limited per client address.
 */
import {
	IDENTITY_PROVIDER_CALLBACK_PATH,
	fail,
	type ConsortiumIdentity
} from '../../src/lib/shared';
import { API } from '../../src/lib/shared/api-contract';
import {
	enforceLimit,
	requireSignedIn,
	signInResponse,
	type AuthContext
} from '../auth/routes/context';
import { hostCookie, hostCookieName, readCookie } from '../auth/session-cookie';
import { checkConsortiumOffice } from '../consortium/office';
import { httpErrorOf, orThrow } from '../http/failure-status';
import type { ApiRequest, Router } from '../http/router';
import type { SiteUrl } from '../mail/templates';
import type { DocumentRegistry } from '../sync/registry';
import { admitThroughProvider } from './admission';
import { removeZoneProvider, setZoneProvider } from './configure';
import { exchangeCode, type ProviderClients } from './provider-client';
import {
	findZoneProvider,
	listConsortiumProviders,
	publicProvider,
	responsibleProvider
} from './providers';
import type { SecretBox } from './secret-box';
import { beginSignIn, newBrowserBinding, SIGN_IN_LIFETIME_MS, takeSignIn } from './sign-ins';

export interface IdentityRouteDeps {
	registry: DocumentRegistry;
	box: SecretBox;
	clients: ProviderClients;
}

/**
 * Sign-ins started per client address: each records a row and may make the server fetch a
 * provider's discovery document. @default 30 per 15 minutes
 */
const STARTS_PER_IP = { limit: 30, windowMs: 15 * 60_000 };

export function registerIdentityRoutes(
	router: Router,
	auth: AuthContext,
	deps: IdentityRouteDeps
): void {
	const { db } = auth;
	const startsPerIp = auth.limiter('signInStartsPerIp', STARTS_PER_IP);
	const redirectUri = () => `${auth.site.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`;

	router.add(API.startSignIn, async (request) => {
		enforceLimit(startsPerIp, request.ip);
		const { email, next } = await request.json();
		const provider = responsibleProvider(db, email);
		if (!provider) return { body: { method: 'email' as const } };
		const { configuration } = orThrow(await deps.clients.configurationOf(provider));
		const browserBinding = presentedBinding(auth.site, request) ?? newBrowserBinding();
		const authorizationUrl = await beginSignIn(db, {
			provider,
			configuration,
			redirectUri: redirectUri(),
			email,
			next: next ?? '/',
			browserBinding,
			now: auth.settings.now()
		});
		return {
			body: {
				method: 'identity-provider' as const,
				zoneName: provider.zoneName,
				required: provider.required,
				authorizationUrl: authorizationUrl.href
			},
			headers: { 'Set-Cookie': flowCookie(auth.site, browserBinding) }
		};
	});

	router.add(API.completeProviderSignIn, async (request) => {
		enforceLimit(auth.limiters.secretPerIp, request.ip);
		const { query } = await request.json();
		const answer = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
		const state = answer.get('state') ?? '';
		const { signIn } = orThrow(
			takeSignIn(db, state, presentedBinding(auth.site, request), auth.settings.now())
		);
		const provider = findZoneProvider(db, signIn.zoneId);
		if (!provider || provider.issuer !== signIn.issuer || provider.clientId !== signIn.clientId)
			throw httpErrorOf(
				fail(
					'identity-provider-changed',
					'The identity provider was changed or removed while you were signing in. Start again from the sign-in page.'
				)
			);
		const { configuration } = orThrow(await deps.clients.configurationOf(provider));
		const { claims } = orThrow(
			await exchangeCode(configuration, new URL(`${redirectUri()}?${answer.toString()}`), {
				state,
				nonce: signIn.nonce,
				codeVerifier: signIn.codeVerifier
			})
		);
		const admitted = orThrow(
			admitThroughProvider({ auth, registry: deps.registry }, provider, claims)
		);
		request.log.info(
			{
				accountId: admitted.account.id,
				zoneId: provider.zoneId,
				created: admitted.created,
				joined: admitted.joined.length
			},
			'signed in through an identity provider'
		);
		// The browser's binding stays until it expires: another tab may be signing in with it.
		const signedIn = signInResponse(auth, request, admitted.account);
		return { body: { account: admitted.account, next: signIn.next }, headers: signedIn.headers };
	});

	router.add(API.getConsortiumIdentity, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { consortium } = orThrow(
			checkConsortiumOffice(db, request.params.id, account.id, 'set up identity providers')
		);
		const providers = new Map(
			listConsortiumProviders(db, consortium.id).map((provider) => [provider.zoneId, provider])
		);
		const body: ConsortiumIdentity = {
			consortium: { id: consortium.id, name: consortium.name },
			redirectUri: redirectUri(),
			zones: consortium.zones.map((zone) => {
				const provider = providers.get(zone.id);
				return {
					id: zone.id,
					name: zone.name,
					kind: zone.kind,
					emailDomains: zone.emailDomains,
					provider: provider ? publicProvider(provider) : null
				};
			})
		};
		return { body };
	});

	router.add(API.setZoneIdentityProvider, async (request) => {
		const { account } = requireSignedIn(auth, request);
		officeZone(auth, request, account.id);
		const input = await request.json();
		const { provider } = orThrow(
			await setZoneProvider({ db, box: deps.box }, request.params.zoneId, input, {
				accountId: account.id,
				at: auth.settings.now()
			})
		);
		return { body: { provider: publicProvider(provider) } };
	});

	router.add(API.removeZoneIdentityProvider, (request) => {
		const { account } = requireSignedIn(auth, request);
		officeZone(auth, request, account.id);
		orThrow(
			removeZoneProvider(db, request.params.zoneId, {
				accountId: account.id,
				at: auth.settings.now()
			})
		);
		return { status: 204 };
	});
}

/** The zone of the path, when it is one of the consortium's and the account its office's. */
function officeZone(
	auth: AuthContext,
	request: { params: { id: string; zoneId: string } },
	accountId: string
): void {
	const { consortium } = orThrow(
		checkConsortiumOffice(auth.db, request.params.id, accountId, 'set up identity providers')
	);
	if (!consortium.zones.some((zone) => zone.id === request.params.zoneId))
		throw httpErrorOf(fail('zone-not-found', 'There is no such zone in this consortium.'));
}

// ---- the browser's binding to its sign-ins -------------------------------------------------------

/**
 * `sign-in-flow`: a random value of this browser's, whose hash each sign-in it starts records. It
 * lives as long as a sign-in may take, is sent back only to this site (SameSite=Lax: the provider
 * returns the person by a top-level navigation, and the callback page's request is same-site), and
 * is never readable by scripts. Over HTTPS it is `Secure` and `__Host-` prefixed, like the session.
 */
const FLOW_COOKIE = 'sign-in-flow';

function flowCookie(site: SiteUrl, value: string): string {
	return hostCookie(site, FLOW_COOKIE, value, `Max-Age=${SIGN_IN_LIFETIME_MS / 1000}`);
}

/** The browser's binding, when it sent one of the form this server makes. */
function presentedBinding(site: SiteUrl, request: ApiRequest): string | null {
	const value = readCookie(request.raw, hostCookieName(site, FLOW_COOKIE));
	return value && /^[a-z2-7]{32}$/.test(value) ? value : null;
}
