/**
 * Embedding the Project Users panel in other portals (docs/embedding.md): the shapes of the
 * portal, ticket and embedded-session endpoints, the messages the widget's element and its iframe
 * exchange by postMessage, and who may register and revoke a consortium's portals.
 *
 * The loader script (`server/embed/widget.js`) is plain JavaScript and cannot import these; it
 * writes the same shapes by hand, and the iframe validates everything it receives against them.
 */
import { z } from 'zod';
import { EmailSchema, IdSchema, NameSchema, TimestampSchema, eachOnce } from './ids';
import { ROLE_LABELS, type Role } from './roles';

// ---- portals --------------------------------------------------------------------------------

/** Hosts that are this machine: plain http is accepted for them only (development, demos). */
export function isLoopback(hostname: string): boolean {
	return (
		hostname === 'localhost' ||
		hostname.endsWith('.localhost') ||
		hostname === '127.0.0.1' ||
		hostname === '[::1]'
	);
}

const ORIGIN_EXAMPLE = 'Enter an origin such as https://portal.example.org';

/**
 * An origin allowed to embed the widget: scheme, host and port, nothing else (no path, no
 * wildcard), https except on loopback hosts. It goes into a CSP header and is compared with
 * postMessage origins, so it is normalized as browsers write origins (lower case, no default port).
 */
export const PortalOriginSchema = z
	.string()
	.trim()
	.max(200, 'An origin has at most 200 characters')
	.transform((value, ctx) => {
		let url: URL;
		try {
			url = new URL(value);
		} catch {
			ctx.addIssue({ code: 'custom', message: ORIGIN_EXAMPLE });
			return z.NEVER;
		}
		const host = /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname);
		if (!host || url.href !== `${url.origin}/` || !/^[a-z]+:\/\/[^/]+\/?$/i.test(value)) {
			ctx.addIssue({
				code: 'custom',
				message: `${ORIGIN_EXAMPLE}: no path, query, user name or wildcard`
			});
			return z.NEVER;
		}
		if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
			ctx.addIssue({ code: 'custom', message: 'Use https:// (http:// only for localhost)' });
			return z.NEVER;
		}
		return url.origin;
	});

export const PortalOriginsSchema = z
	.array(PortalOriginSchema)
	.min(1, 'Add at least one origin')
	.max(10, 'A portal has at most 10 origins')
	.refine(eachOnce, 'Each origin once');

/**
 * The projects a portal serves: it gets tickets, and may frame the panel, for these only. At
 * least one; every one a project of the portal's consortium.
 */
export const PortalProjectIdsSchema = z
	.array(IdSchema)
	.min(1, 'Choose at least one project')
	.max(100, 'A portal serves at most 100 projects')
	.refine(eachOnce, 'Each project once');

/** `POST /api/consortia/:consortiumId/portals`. */
export const RegisterPortalRequestSchema = z.object({
	name: NameSchema,
	origins: PortalOriginsSchema,
	projectIds: PortalProjectIdsSchema
});
export type RegisterPortalRequest = z.infer<typeof RegisterPortalRequestSchema>;

/** A project as the Portals page names it. */
export const PortalProjectSchema = z.object({ id: IdSchema, name: z.string() });
export type PortalProject = z.infer<typeof PortalProjectSchema>;

/** A portal as the console lists it; its API key is never part of it. */
export const PortalSchema = z.object({
	id: IdSchema,
	consortiumId: IdSchema,
	name: z.string(),
	origins: z.array(z.string()),
	/**
	 * The projects it serves that the viewer is a member of; `otherProjects` counts the rest,
	 * unnamed (an Institution Zone's project is its own business).
	 */
	projects: z.array(PortalProjectSchema),
	otherProjects: z.number().int().min(0),
	createdAt: TimestampSchema,
	/** Who registered it: a person's name, or the consortium office (`npm run admin`). */
	createdByName: z.string(),
	revokedAt: TimestampSchema.nullable(),
	/** Who revoked it, as `createdByName`; null while it is active. */
	revokedByName: z.string().nullable()
});
export type Portal = z.infer<typeof PortalSchema>;

/** Allowed, or not with the reason a person reads (the shape the UI's `Permit` takes). */
function permitSchema<const Code extends string>(code: Code) {
	return z.union([
		z.object({ ok: z.literal(true) }),
		z.object({ ok: z.literal(false), code: z.literal(code), message: z.string() })
	]);
}
const RegisterPermitSchema = permitSchema('portal-project-admins-only');
const RevokePermitSchema = permitSchema('portal-managers-only');
export type RegisterPortalPermit = z.infer<typeof RegisterPermitSchema>;
export type RevokePortalPermit = z.infer<typeof RevokePermitSchema>;

/** `GET /api/consortia/:consortiumId/portals`. */
export const PortalListSchema = z.object({
	consortium: z.object({ id: IdSchema, name: z.string() }),
	portals: z.array(PortalSchema.extend({ canRevoke: RevokePermitSchema })),
	/** The projects the person may have a portal serve: those they are a Project Admin of. */
	projects: z.array(PortalProjectSchema),
	canRegister: RegisterPermitSchema
});
export type PortalList = z.infer<typeof PortalListSchema>;
export type ListedPortal = PortalList['portals'][number];

/** The answer to a registration: the only time the API key is ever shown. */
export const RegisteredPortalSchema = z.object({ portal: PortalSchema, apiKey: z.string() });
export type RegisteredPortal = z.infer<typeof RegisteredPortalSchema>;

/** `GET /api/embed/portals/:portalId`: what the embedded iframe needs to trust its host. */
export const PortalPublicInfoSchema = z.object({
	id: IdSchema,
	name: z.string(),
	origins: z.array(z.string())
});
export type PortalPublicInfo = z.infer<typeof PortalPublicInfoSchema>;

/** One of the person's memberships in the consortium's projects, as the permits need it. */
export interface ConsortiumMembership {
	projectId: string;
	projectName: string;
	role: Role;
	zoneKind: 'network' | 'institution';
}

/** The projects the person may have a portal serve: those they are a Project Admin of. */
export function portalProjectsFor(memberships: readonly ConsortiumMembership[]): PortalProject[] {
	return memberships
		.filter((m) => m.role === 'admin')
		.map((m) => ({ id: m.projectId, name: m.projectName }));
}

/**
 * A portal can act as any member of the projects it serves, so registering one is the decision
 * of those projects' Project Admins: the person must be a Project Admin of every project listed
 * (of whichever zone: in institution-zone management a project is its Institution Zone's, and
 * the office cannot enlist it). Without `projectIds`: whether the person may register any portal.
 */
export function canRegisterPortal(
	memberships: readonly ConsortiumMembership[],
	projectIds: readonly string[] = []
): RegisterPortalPermit {
	const denied = (message: string): RegisterPortalPermit => ({
		ok: false,
		code: 'portal-project-admins-only',
		message
	});
	const administered = new Set(portalProjectsFor(memberships).map((project) => project.id));
	if (administered.size === 0)
		return denied(
			`Only Project Admins can register portals, for the projects they administer. ${whoYouAre(memberships)}`
		);
	const others = projectIds.filter((id) => !administered.has(id));
	if (others.length > 0) {
		// A project the person is not a member of is named by the id they sent, nothing more.
		const names = others.map(
			(id) => memberships.find((m) => m.projectId === id)?.projectName ?? id
		);
		return denied(
			`A portal can serve only projects you are a Project Admin of, and you are not one of ${names.join(', ')}.`
		);
	}
	return { ok: true };
}

/**
 * Revoking is the consortium office's (a Project Admin from the Network Zone, in any project of
 * the consortium: it can always stop a portal) and that of the Project Admins of any project the
 * portal serves (it acts in their project).
 */
export function canRevokePortal(
	memberships: readonly ConsortiumMembership[],
	portalProjectIds: readonly string[]
): RevokePortalPermit {
	const admins = memberships.filter((m) => m.role === 'admin');
	if (admins.some((m) => m.zoneKind === 'network' || portalProjectIds.includes(m.projectId)))
		return { ok: true };
	return {
		ok: false,
		code: 'portal-managers-only',
		message: `Only Project Admins from the Network Zone, or of a project the portal serves, can revoke it. ${whoYouAre(memberships)}`
	};
}

/** Why a permit was refused, from the person's side. */
function whoYouAre(memberships: readonly ConsortiumMembership[]): string {
	const admin = memberships.find((m) => m.role === 'admin');
	if (admin) return `You are a Project Admin of ${admin.projectName} from an Institution Zone.`;
	const network = memberships.find((m) => m.zoneKind === 'network');
	if (network) return `You are ${ROLE_LABELS[network.role]} in ${network.projectName}.`;
	const member = memberships[0];
	return member
		? `You are ${ROLE_LABELS[member.role]} in ${member.projectName}.`
		: 'You are not a member of its projects.';
}

// ---- tickets and embedded sessions --------------------------------------------------------

/** A ticket: 160 random bits in lower-case base32, as every secret of the console. */
export const TicketSchema = z.string().regex(/^[a-z2-7]{32}$/, 'This is not a ticket');

/** `POST /api/embed/tickets`, from the portal's server with its API key. */
export const TicketRequestSchema = z.object({ email: EmailSchema, projectId: IdSchema });
export type TicketRequest = z.infer<typeof TicketRequestSchema>;

export const TicketResponseSchema = z.object({ ticket: TicketSchema, expiresAt: TimestampSchema });
export type TicketResponse = z.infer<typeof TicketResponseSchema>;

/**
 * The ticket endpoint's refusal when the person has not allowed the portal to act for them in the
 * project (or removed the grant): the portal's server passes it on to the widget, which asks the
 * person in a console window (`consentPath`). An unknown address gets the same answer, so that a
 * portal learns nothing of a person who has not allowed it.
 */
export const CONSENT_REQUIRED = 'consent-required';

/** The console's consent page for a portal and project, opened in a window of its own. */
export const CONSENT_PATH = '/embed/consent';

export function consentPath(portalId: string, projectId: string): string {
	return `${CONSENT_PATH}?${new URLSearchParams({ portal: portalId, project: projectId })}`;
}

/** `POST /api/embed/session`, from the iframe: the ticket, and where the iframe is. */
export const EmbedSessionRequestSchema = z.object({
	ticket: TicketSchema,
	portalId: IdSchema,
	projectId: IdSchema
});
export type EmbedSessionRequest = z.infer<typeof EmbedSessionRequestSchema>;

/** An embedded session: the token lives in the iframe's memory only. */
export const EmbedSessionSchema = z.object({
	token: z.string(),
	expiresAt: TimestampSchema,
	/** How long the session lasts from now: the iframe renews it before then, whatever its clock. */
	lifetimeMs: z.number().int().positive(),
	account: z.object({ id: IdSchema, name: z.string(), email: z.string() }),
	portal: z.object({ id: IdSchema, name: z.string() }),
	projectId: IdSchema
});
export type EmbedSession = z.infer<typeof EmbedSessionSchema>;

/** The URL parameter that carries an embedded session's token to the sync endpoint. */
export const SYNC_TOKEN_PARAM = 'token';

// ---- the widget's messages ----------------------------------------------------------------

/** Every message of the widget carries this, so that a page's other messages are told apart. */
export const WIDGET_SOURCE = 'membership-widget';

export const ThemeSchema = z.enum(['light', 'dark', 'auto']);
export type Theme = z.infer<typeof ThemeSchema>;

const RequestIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/);

/** What the iframe tells the element around it. */
export const FrameMessageSchema = z.discriminatedUnion('type', [
	/** Fetch a ticket from `ticket-url` (at start, and before the session expires). */
	z.object({
		source: z.literal(WIDGET_SOURCE),
		type: z.literal('ticket-request'),
		id: RequestIdSchema
	}),
	/** The height of the iframe's content, in CSS pixels. */
	z.object({
		source: z.literal(WIDGET_SOURCE),
		type: z.literal('resize'),
		height: z.number().int().min(0).max(100_000)
	}),
	/**
	 * For the host page: the widget is working, waits for the person to allow the portal
	 * (`consent-required`), or why it stopped.
	 */
	z.object({
		source: z.literal(WIDGET_SOURCE),
		type: z.literal('status'),
		status: z.enum(['signed-in', 'consent-required', 'ended', 'failed']),
		message: z.string().max(500).optional()
	})
]);
export type FrameMessage = z.infer<typeof FrameMessageSchema>;

/** What the element tells its iframe. */
export const HostMessageSchema = z.discriminatedUnion('type', [
	z.object({
		source: z.literal(WIDGET_SOURCE),
		type: z.literal('ticket'),
		id: RequestIdSchema,
		ticket: TicketSchema
	}),
	/**
	 * The portal could not give a ticket (its endpoint failed, the person is signed out); `code`
	 * when the console said why in a way the widget acts on (`consent-required`: ask the person).
	 */
	z.object({
		source: z.literal(WIDGET_SOURCE),
		type: z.literal('ticket-error'),
		id: RequestIdSchema,
		message: z.string().max(500),
		code: z.literal(CONSENT_REQUIRED).optional()
	}),
	z.object({ source: z.literal(WIDGET_SOURCE), type: z.literal('theme'), theme: ThemeSchema })
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;

export const EMBED_PATH_PREFIX = '/embed/projects/';

// ---- grants: the person's consent to a portal ------------------------------------------------

/**
 * What the consent page shows (`GET /api/embed/portals/:portalId/consent`): the portal, who
 * registered it, and the projects it would act in for the signed-in person (those it serves that
 * they are a member of), with what they already allowed.
 */
export const ConsentInfoSchema = z.object({
	account: z.object({ id: IdSchema, name: z.string(), email: z.string() }),
	portal: z.object({
		id: IdSchema,
		name: z.string(),
		origins: z.array(z.string()),
		consortiumName: z.string(),
		createdByName: z.string(),
		createdAt: TimestampSchema
	}),
	projects: z.array(PortalProjectSchema),
	/** The projects of those already allowed; empty when there is no grant. */
	allowedProjectIds: z.array(IdSchema)
});
export type ConsentInfo = z.infer<typeof ConsentInfoSchema>;

/**
 * `POST /api/embed/grants`: the person allows the portal to act for them in exactly these
 * projects, the ones the consent page named. Allowing again adds projects to the grant.
 */
export const GrantRequestSchema = z.object({
	portalId: IdSchema,
	projectIds: PortalProjectIdsSchema
});
export type GrantRequest = z.infer<typeof GrantRequestSchema>;

/** A grant as Personal Settings lists it (`GET /api/embed/grants`). */
export const PortalGrantSchema = z.object({
	portal: z.object({ id: IdSchema, name: z.string(), origins: z.array(z.string()) }),
	/** The projects allowed, by name; a project the person has left since is still listed. */
	projects: z.array(PortalProjectSchema),
	createdAt: TimestampSchema,
	/** When the portal last signed the person in; null: never yet. */
	lastUsedAt: TimestampSchema.nullable()
});
export type PortalGrant = z.infer<typeof PortalGrantSchema>;

export const PortalGrantListSchema = z.object({ grants: z.array(PortalGrantSchema) });
export type PortalGrantList = z.infer<typeof PortalGrantListSchema>;

/** Marks the consent window's message to the widget's iframe that opened it. */
export const CONSENT_SOURCE = 'membership-consent';

/**
 * What the consent window tells its opener (the widget's iframe, a page of the console's origin)
 * before it closes: the person's answer for this portal and project.
 */
export const ConsentMessageSchema = z.object({
	source: z.literal(CONSENT_SOURCE),
	outcome: z.enum(['allowed', 'declined']),
	portalId: IdSchema,
	projectId: IdSchema
});
export type ConsentMessage = z.infer<typeof ConsentMessageSchema>;
