/**
 * Signing in through a zone's own identity provider (OpenID Connect, docs/security.md): a zone,
 * the Network Zone or an Institution Zone, may have one provider, which speaks for some of the
 * zone's email domains. The shapes of its configuration (what the consortium office sends, and
 * what the console shows back: never the client secret), of the sign-in that starts with an
 * address, and the rules both sides read: which provider speaks for an address, and which domains
 * a zone's provider may claim.
 */
import { z } from 'zod';
import { AccountSchema } from './auth';
import { isWithinDomain, zonesClaimingEmail } from './consortium';
import { isLoopback } from './embedding';
import { EmailDomainSchema, EmailSchema, IdSchema, NameSchema, TimestampSchema } from './ids';

/** The SPA page the provider sends people back to: the redirect URI to register with it. */
export const IDENTITY_PROVIDER_CALLBACK_PATH = '/sign-in/identity-provider';

/** The most domains one provider speaks for: a zone lists at most 20 of its own. */
export const MAX_PROVIDER_DOMAINS = 20;

/**
 * An issuer identifier (OpenID Connect Discovery 1.0): an https URL with no query or fragment;
 * plain http only on this machine (development, and the tests' provider on 127.0.0.1).
 */
export const IssuerSchema = z
	.string()
	.trim()
	.max(500, 'An issuer URL has at most 500 characters')
	.transform((value, ctx) => {
		let url: URL;
		try {
			url = new URL(value);
		} catch {
			ctx.addIssue({
				code: 'custom',
				message: 'Enter the issuer URL, such as https://login.example.edu'
			});
			return z.NEVER;
		}
		if (url.search || url.hash || url.username || url.password || value.includes('#')) {
			ctx.addIssue({
				code: 'custom',
				message: 'An issuer URL has no query, fragment or user name'
			});
			return z.NEVER;
		}
		if (!isSafeProviderUrl(url)) {
			ctx.addIssue({
				code: 'custom',
				message: 'Use https:// (http:// only for a provider on this machine)'
			});
			return z.NEVER;
		}
		return value;
	});

/**
 * Whether the console may talk to a provider at this URL: over https, or plain http on this
 * machine. The issuer and every endpoint its discovery document names are held to it, so that a
 * provider on this machine cannot send the client secret to plain http elsewhere.
 */
export function isSafeProviderUrl(url: URL): boolean {
	return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
}

/** Whether the console may talk plain http to this issuer: only on this machine. */
export function isLoopbackIssuer(issuer: string): boolean {
	return new URL(issuer).protocol === 'http:';
}

const ClientIdSchema = z
	.string()
	.trim()
	.min(1, 'Enter the client id the provider gave the console')
	.max(255, 'A client id has at most 255 characters');

const ClientSecretSchema = z
	.string()
	.min(1, 'Enter the client secret the provider gave the console')
	.max(1000, 'A client secret has at most 1000 characters');

const ProviderDomainsSchema = z
	.array(EmailDomainSchema)
	.min(1, 'Name at least one email domain the provider speaks for')
	.max(MAX_PROVIDER_DOMAINS, `A provider speaks for at most ${MAX_PROVIDER_DOMAINS} domains`)
	.refine((domains) => new Set(domains).size === domains.length, 'Name each domain once');

/**
 * A zone's provider as the consortium office sets it. The client secret may be left out when a
 * provider is changed: the one stored stays.
 */
export const IdentityProviderInputSchema = z.strictObject({
	issuer: IssuerSchema,
	clientId: ClientIdSchema,
	clientSecret: ClientSecretSchema.optional(),
	emailDomains: ProviderDomainsSchema,
	/** Link and password sign-in (and password resets) are refused for the provider's addresses. */
	required: z.boolean(),
	/** People the provider vouches for get an account on their first sign-in, invited or not. */
	allowNewAccounts: z.boolean()
});
export type IdentityProviderInput = z.infer<typeof IdentityProviderInputSchema>;

/** A zone's provider as the console shows it: whether a client secret is set, never the secret. */
export const IdentityProviderSchema = z.object({
	zoneId: IdSchema,
	issuer: z.string(),
	clientId: z.string(),
	clientSecretSet: z.literal(true),
	emailDomains: z.array(z.string()),
	required: z.boolean(),
	allowNewAccounts: z.boolean(),
	updatedAt: TimestampSchema
});
export type IdentityProvider = z.infer<typeof IdentityProviderSchema>;

/** `GET /api/consortia/:id/identity`: every zone of the consortium and its provider, if any. */
export const ConsortiumIdentitySchema = z.object({
	consortium: z.object({ id: IdSchema, name: z.string() }),
	/** The redirect URI to register with each provider (the console's callback page). */
	redirectUri: z.string(),
	zones: z.array(
		z.object({
			id: IdSchema,
			name: NameSchema,
			kind: z.enum(['network', 'institution']),
			emailDomains: z.array(z.string()),
			provider: IdentityProviderSchema.nullable()
		})
	)
});
export type ConsortiumIdentity = z.infer<typeof ConsortiumIdentitySchema>;

// ---- signing in --------------------------------------------------------------------------------

/** A path of the console to return to after signing in; anything else is ignored. */
export const NextPathSchema = z.string().max(2000).refine(isPathOnThisSite, 'A path on this site');

/**
 * Whether a browser sent to `path` stays on this site. Read as a browser reads it, not by its
 * first characters: a browser takes "\" for "/" and drops tabs and newlines, so "/\t/evil.example"
 * is "//evil.example", another site.
 */
function isPathOnThisSite(path: string): boolean {
	const here = 'https://console.invalid';
	try {
		return path.startsWith('/') && new URL(path, here).origin === here;
	} catch {
		return false;
	}
}

export const SignInStartRequestSchema = z.object({
	email: EmailSchema,
	next: NextPathSchema.optional()
});

/**
 * `POST /api/auth/sign-in/start`: how this address signs in. Only the domain decides, never
 * whether an account exists, so the answer tells nobody who uses the console.
 */
export const SignInStartSchema = z.discriminatedUnion('method', [
	z.object({
		method: z.literal('identity-provider'),
		/** The zone whose provider speaks for the address. */
		zoneName: z.string(),
		/** The zone requires it: no emailed link or password for this address. */
		required: z.boolean(),
		/** Where the browser goes next: the provider's authorization endpoint. */
		authorizationUrl: z.string()
	}),
	/** An emailed link, or a password. */
	z.object({ method: z.literal('email') })
]);
export type SignInStart = z.infer<typeof SignInStartSchema>;

/** The provider's answer as the callback page received it: its query string. */
export const IdentityProviderCallbackRequestSchema = z.object({
	query: z.string().min(1, 'The provider sent nothing back').max(8192)
});

/** The callback's answer: the account signed in, and the path to go on to. */
export const IdentityProviderSignedInSchema = z.object({
	account: AccountSchema,
	next: z.string()
});

// ---- rules -------------------------------------------------------------------------------------

/**
 * The provider that speaks for an address: the one whose domains claim it most specifically (a
 * domain claims itself and its subdomains, as a zone's do: `zonesClaimingEmail`). Null when none
 * does. Configuration keeps every domain to one provider, so there is never a tie.
 */
export function providerForEmail<P extends { emailDomains: readonly string[] }>(
	providers: Iterable<P>,
	email: string
): P | null {
	const claimants = zonesClaimingEmail(
		[...providers].map((provider) => ({ provider, emailDomains: [...provider.emailDomains] })),
		email
	);
	return claimants.length === 1 ? claimants[0]!.provider : null;
}

/**
 * The provider's domains that are not the zone's: a zone's provider speaks only for the zone's
 * own domains (each, or a subdomain of one), so that it never vouches for another library's staff.
 */
export function domainsOutsideZone(
	providerDomains: readonly string[],
	zoneDomains: readonly string[]
): string[] {
	return providerDomains.filter(
		(domain) => !zoneDomains.some((zoneDomain) => isWithinDomain(domain, zoneDomain))
	);
}
