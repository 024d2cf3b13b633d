/**
 * The audit log in people's words: one sentence per entry ("Nils Network changed Dana Admin’s role
 * from Project Admin to Consumer"), from the entry and the names the server resolved for the ids
 * in it. One function, so that the console, the CSV file and any mail say the same thing. It
 * never shows an id where a name is known, nor a root's internal name; someone whose account is
 * gone, a deleted board or data view are named as such. The time is not part of the sentence: the
 * reader's time zone is not the server's.
 */
import { z } from 'zod';
import { describeReviewCounts } from './access-reviews';
import { endedAsPlanned, formatEndDate } from './access-ends';
import { CADENCE_LABELS } from './digest-schedule';
import { parseDocumentName, type DocumentKind } from './documents';
import { ROOT_WORDS } from './root-words';
import { readStoredEntry } from './entries';
import {
	GOVERNANCE_ROOT,
	readGovernanceEvent,
	type GovernanceEvent,
	type LeavingCounts
} from './governance-events';
import { countOf } from './human-format';
import { isResendRequest } from './invitation-lifecycle';
import {
	endsAtOf,
	OFFICE_INVITER,
	type AccessRequest,
	type Invite,
	type Member,
	type Notice,
	type ProjectListing
} from './membership';
import type { BoardSubscription, LexiconEntry } from './objects';
import type { ReasonCode } from './policy/decision';
import type { DataView, ProjectInfo, Scope } from './project';
import type { Zone } from './consortium';
import type { HandoverRequest } from './handovers';
import { ROLE_LABELS } from './roles';

/** What a change did to its entry; null for entries logged before this was recorded. */
export const AUDIT_CHANGES = ['add', 'update', 'delete'] as const;
export type AuditChange = (typeof AUDIT_CHANGES)[number];

const NameMap = z.record(z.string(), z.string());

/** Names of what the entries of a page mention, resolved by the server, by id (or address). */
export const AuditNamesSchema = z.object({
	/** Account id → the person's name. */
	people: NameMap,
	/** Email address → the name of the person with that address. */
	addresses: NameMap,
	zones: NameMap,
	views: NameMap,
	boards: NameMap,
	lookupTables: NameMap
});
export type AuditNames = z.infer<typeof AuditNamesSchema>;

export const NO_AUDIT_NAMES: AuditNames = {
	people: {},
	addresses: {},
	zones: {},
	views: {},
	boards: {},
	lookupTables: {}
};

/** What the sentence is made of: an audit entry as the server reads it from its row. */
export interface AuditFacts {
	/** When it happened: what tells an end date that had come from one still ahead. */
	at: number;
	document: string;
	viewId: string | null;
	root: string;
	key: string;
	/** Null: the server. */
	author: { id: string; name: string } | null;
	via: { portalId: string; portalName: string } | null;
	outcome: 'accepted' | 'refused';
	code: ReasonCode | null;
	change: AuditChange | null;
	before: unknown;
	after: unknown;
	redacted: 'private-document' | 'too-large' | null;
}

export type AuditKind = keyof typeof ROOT_WORDS;

/** The roots a project's audit log can be filtered by (user documents have no project). */
export const AUDIT_FILTER_KINDS = [
	'members',
	'invites',
	'requests',
	'handovers',
	'boards',
	'subscriptions',
	'customEvents',
	'savedBehaviors',
	'savedFormulas',
	'customProperties',
	'borrowedProperties',
	'userProfiles',
	'lexicon',
	'lookupTables',
	'settings',
	'zones',
	'views',
	'governance'
] as const satisfies readonly AuditKind[];

/** Why the policy refused a change, as the end of "…; refused: <reason>". */
export const REFUSAL_REASONS: Record<ReasonCode, string> = {
	'unknown-role': 'that is not one of the project’s roles',
	'unknown-action': 'that is not an action the console knows',
	'invalid-entry': 'what was written was malformed',
	'role-not-permitted': 'their role does not allow it',
	'not-available': 'no role may do this',
	'creator-only': 'only its creator may change it',
	'self-only': 'their role allows it only for themselves, not for everyone',
	'creator-or-admin': 'only its creator or a Project Admin may change it',
	'not-a-member': 'they had no access here',
	'admin-only': 'only Project Admins manage people',
	'iz-user-cannot-be-admin': 'an Institution Zone user cannot be Project Admin here',
	'iz-user-scope': 'an Institution Zone user sees only their own zone’s data view',
	'admin-scope': 'Project Admins see every data view',
	'zone-not-in-project': 'people of that zone have no place in this project',
	'unknown-zone': 'that zone is not one of the consortium’s',
	'zone-left': 'that library has left the consortium',
	'unknown-view': 'that data view is not one of the project’s',
	'zone-does-not-match-email': 'the address belongs to another zone',
	'unlisted-domain':
		'no zone claims the address, and it may go only into a zone its inviter answers for',
	'admin-protected': 'a Project Admin cannot remove or demote another Project Admin',
	'last-admin': 'the project would have had no Project Admin left',
	'already-member': 'the person is already a member',
	'join-by-invite': 'people join through an invitation or an approved request',
	'requests-need-institution-mode': 'requests exist only in institution-zone management',
	'requester-not-network-zone': 'only Network Zone users may ask',
	'request-decided': 'the request had already been decided',
	'reason-required': 'a denial needs a reason',
	'invite-accepted': 'the invitation had already been accepted',
	'end-date-past': 'the end date had already passed',
	'access-ended': 'that access had already ended',
	'recipient-without-access': 'a recipient may not read this data view',
	'handover-target': 'a hand-over request goes from one Project Admin to another',
	'handover-not-yours':
		'only the asked admin answers a hand-over request, and only its asker withdraws it',
	'handover-needs-step-down':
		'accepting a hand-over request needs the asked admin’s own step-down in the same change',
	'server-only': 'only the server writes this',
	'key-mismatch': 'the entry was filed under the wrong key',
	'immutable-field': 'it changed something that never changes',
	'author-mismatch': 'it was signed with someone else’s name',
	'not-checked': 'the server could not check it'
};

/** A verb phrase in both forms: "changed X" for what happened, "change X" after "tried to". */
interface Act {
	past: string;
	base: string;
}

/** What a sentence says: who (when not the author: a passive "The invitation … was sent") did what. */
interface Clause {
	subject?: string;
	act: Act;
}

const act = (past: string, base: string, rest = ''): Act => ({
	past: rest ? `${past} ${rest}` : past,
	base: rest ? `${base} ${rest}` : base
});
const changed = (rest: string) => act('changed', 'change', rest);
/** A passive or third-person clause ("The invitation to … was sent"), and what trying it is. */
const happened = (subject: string, past: string, base: string): Clause => ({
	subject,
	act: { past, base }
});

/** The sentence for an audit entry, without its time. */
export function describeAuditEntry(entry: AuditFacts, names: AuditNames): string {
	const words = new Words(names);
	const actor = entry.author ? words.author(entry.author) : 'the server';
	const clause = describeChange(entry, words);
	const via = entry.via ? ` via ${entry.via.portalName}` : '';
	// "Ada Admin via Staff Portal invited …": the portal goes with the person who used it.
	const sentence =
		entry.outcome === 'refused'
			? `${actor}${via} tried to ${clause.act.base}; refused: ${refusalReason(entry.code)}`
			: clause.subject === undefined
				? `${actor}${via} ${clause.act.past}`
				: `${clause.subject} ${clause.act.past}${via}`;
	// Our own words begin with a capital; a name or an address stays as it is written.
	return /^(the|a|an) /.test(sentence)
		? sentence.charAt(0).toUpperCase() + sentence.slice(1)
		: sentence;
}

/** The code's words; a code an older version logged and this one no longer has is a refusal still. */
function refusalReason(code: string | null): string {
	return code !== null && Object.hasOwn(REFUSAL_REASONS, code)
		? REFUSAL_REASONS[code as ReasonCode]
		: 'the policy did not allow it';
}

/** Names of what entries mention, with a wording for what is no longer known. */
class Words {
	constructor(private readonly names: AuditNames) {}

	author(author: { id: string; name: string }): string {
		return this.names.people[author.id] ?? (author.name || 'a deleted account');
	}

	person(accountId: string, fallback?: string): string {
		if (accountId === OFFICE_INVITER) return 'the consortium office';
		return this.names.people[accountId] ?? (fallback || 'a deleted account');
	}

	/** "Edda Silva (edda@aurora.example.edu)" when the address is someone's, else the address. */
	address(email: string): string {
		const name = this.names.addresses[email];
		return name ? `${name} (${email})` : email;
	}

	/** A recipient: the person's name, or the address of someone without an account. */
	recipient(email: string): string {
		return this.names.addresses[email] ?? email;
	}

	zone(zoneId: string): string {
		return this.names.zones[zoneId] ?? 'a zone no longer in the consortium';
	}

	view(viewId: string): string {
		return this.names.views[viewId] ?? 'a removed data view';
	}

	scope(scope: Scope): string {
		if (scope === 'all') return 'all data views';
		return listed(scope.map((viewId) => this.view(viewId)));
	}

	board(boardId: string): string {
		const name = this.names.boards[boardId];
		return name ? `the board ${name}` : 'a deleted board';
	}

	lookupTable(tableId: string): string {
		return this.knownLookupTable(tableId) ?? 'a deleted lookup table';
	}

	knownLookupTable(tableId: string): string | null {
		const name = this.names.lookupTables[tableId];
		return name ? `the lookup table ${name}` : null;
	}
}

function describeChange(entry: AuditFacts, words: Words): Clause {
	if (entry.root === GOVERNANCE_ROOT) return describeGovernanceEvent(entry.after, words);
	const kind = parseDocumentName(entry.document)?.kind;
	if (!kind || !isKind(entry.root)) {
		return { act: act('wrote', 'write', 'to a part this document does not have') };
	}
	const root = entry.root;
	const noun = ROOT_WORDS[root].noun;
	if (entry.redacted) return describeUnrecorded(entry, root, kind, words);
	const read = (value: unknown) =>
		value === null || value === undefined
			? undefined
			: readStoredEntry(kind, root, entry.key, value);
	const before = read(entry.before);
	const after = read(entry.after);
	const change = entry.change ?? changeOf(entry.before, entry.after);
	if ((after ?? before) !== undefined)
		return DESCRIBERS[root]({ change, before, after, entry, words });
	const verb = CHANGE_VERBS[change];
	return { act: act(verb.past, verb.base, withArticle(noun)) };
}

/** An entry whose values were not kept: what it was, as far as the row says. */
function describeUnrecorded(
	entry: AuditFacts,
	root: AuditKind,
	kind: DocumentKind,
	words: Words
): Clause {
	const change = entry.change ?? 'update';
	const verb =
		root === 'lookupTables' && change === 'add' ? act('uploaded', 'upload') : CHANGE_VERBS[change];
	const kinds = ROOT_WORDS[root].plural;
	if (entry.redacted === 'too-large') {
		const table = root === 'lookupTables' ? words.knownLookupTable(entry.key) : null;
		const what = table ?? withArticle(ROOT_WORDS[root].noun);
		return { act: act(verb.past, verb.base, `${what} (too large to record)`) };
	}
	return kind === 'user'
		? { act: act(verb.past, verb.base, `a person’s ${kinds} (not recorded: private)`) }
		: { act: act(verb.past, verb.base, `one of their own ${kinds} (not recorded: private)`) };
}

const CHANGE_VERBS: Record<AuditChange, Act> = {
	add: act('added', 'add'),
	update: act('changed', 'change'),
	delete: act('deleted', 'delete')
};

function changeOf(before: unknown, after: unknown): AuditChange {
	if (before === null || before === undefined) return 'add';
	return after === null || after === undefined ? 'delete' : 'update';
}

function isKind(root: string): root is Exclude<AuditKind, typeof GOVERNANCE_ROOT> {
	return root !== GOVERNANCE_ROOT && Object.hasOwn(ROOT_WORDS, root);
}

/** "a board", "an invitation". */
function withArticle(noun: string): string {
	return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

function possessive(name: string): string {
	return `${name}’s`;
}

/** "A", "A and B", "A, B and C". */
function listed(items: readonly string[]): string {
	if (items.length <= 1) return items[0] ?? 'nobody';
	return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

interface Described<T> {
	change: AuditChange;
	/** The entry before and after, read by its root's schema; undefined when absent or unreadable. */
	before: T | undefined;
	after: T | undefined;
	entry: AuditFacts;
	words: Words;
}
type Describer = (change: Described<unknown>) => Clause;

/**
 * The sentence of each kind of entry. The values were read by the root's own schema
 * (`readStoredEntry`), which is what makes each cast to the root's entry type sound.
 */
const DESCRIBERS: Record<Exclude<AuditKind, typeof GOVERNANCE_ROOT>, Describer> = {
	members: (change) => describeMember(change as Described<Member>),
	invites: (change) => describeInvite(change as Described<Invite>),
	requests: (change) => describeRequest(change as Described<AccessRequest>),
	handovers: (change) => describeHandoverRequest(change as Described<HandoverRequest>),
	settings: (change) => describeSettings(change as Described<ProjectInfo>),
	zones: (change) => describeZone(change as Described<Zone>),
	views: (change) => describeView(change as Described<DataView>),
	subscriptions: (change) => describeSubscription(change as Described<BoardSubscription>),
	lexicon: (change) => describeLexicon(change as Described<LexiconEntry>),
	boards: describeObject('board'),
	customEvents: describeObject('custom event'),
	savedBehaviors: describeObject('saved behavior'),
	savedFormulas: describeObject('saved formula'),
	customProperties: describeObject('custom property'),
	borrowedProperties: describeObject('borrowed property'),
	userProfiles: describeObject('user profile'),
	lookupTables: describeObject('lookup table'),
	projects: (change) => describeListing(change as Described<ProjectListing>),
	notices: (change) => describeNotice(change as Described<Notice>)
};

function describeMember({ change, before, after, entry, words }: Described<Member>): Clause {
	const member = (after ?? before)!;
	const name = words.person(member.accountId, member.name);
	const role = (value: Member) => ROLE_LABELS[value.role];
	const zone = words.zone(member.zoneId);
	const self = entry.author?.id === member.accountId;
	switch (change) {
		case 'add':
			return entry.author
				? { act: act('added', 'add', `${name} as ${role(member)} (${zone})`) }
				: happened(
						name,
						`joined the project as ${role(member)} (${zone})`,
						`add ${name} as ${role(member)} (${zone})`
					);
		case 'delete':
			if (self) return { act: act('left', 'leave', 'the project') };
			if (before && endedAsPlanned(before, entry.author?.id ?? null, entry.at))
				return happened(
					`${possessive(name)} access`,
					`ended as planned (end date ${formatEndDate(endsAtOf(before)!)})`,
					`end ${possessive(name)} access`
				);
			return entry.author
				? { act: act('removed', 'remove', `${name} from the project`) }
				: happened(name, 'was removed from the project', `remove ${name} from the project`);
		case 'update': {
			if (!before || !after) return { act: changed(`${possessive(name)} membership`) };
			const whose = self ? 'their own' : possessive(name);
			const end = endDateChange(endsAtOf(before), endsAtOf(after));
			if (!entry.author && end?.to === null)
				return happened(
					`${possessive(name)} access`,
					`was kept past its end date (${formatEndDate(endsAtOf(before)!)}): they were the project’s last Project Admin`,
					`keep ${possessive(name)} access past its end date`
				);
			const parts: string[] = [];
			if (before.role !== after.role) parts.push(`role from ${role(before)} to ${role(after)}`);
			if (JSON.stringify(before.scope) !== JSON.stringify(after.scope))
				parts.push(`data views from ${words.scope(before.scope)} to ${words.scope(after.scope)}`);
			if (parts.length === 0 && end)
				return end.to === null
					? { act: act('removed', 'remove', `the end date of ${whose} access`) }
					: { act: act('set', 'set', `${whose} access to end on ${end.to}`) };
			if (end) parts.push(`end date to ${end.to ?? 'none'}`);
			if (parts.length === 0) return { act: act('saved', 'save', `${whose} membership unchanged`) };
			return { act: changed(`${whose} ${parts.join(' and ')}`) };
		}
	}
}

/** A governance action: one act over many entries, in one sentence of its own kind. */
function describeGovernanceEvent(value: unknown, words: Words): Clause {
	const event = readGovernanceEvent(value);
	if (!event) return { act: act('recorded', 'record', 'a governance action') };
	switch (event.kind) {
		case 'invite-link-copied':
			return {
				act: act(
					'copied',
					'copy',
					`the invite link for ${words.address(event.email)} by hand, as ${ROLE_LABELS[event.role]} (${words.zone(event.zoneId)})`
				)
			};
		case 'library-offboarded':
			return { act: act('offboarded', 'offboard', describeOffboarding(event, words)) };
		case 'identity-provider-set': {
			const rules = [
				event.required ? 'required' : 'link and password sign-in still allowed',
				event.allowNewAccounts ? 'may create accounts' : 'accounts for invited people only',
				...(event.secretChanged ? ['a new client secret'] : [])
			];
			return {
				act: act(
					'set',
					'set',
					`${words.zone(event.zoneId)}’s identity provider: ${event.issuer} (client ${event.clientId}) for ${listed(event.emailDomains)}; ${rules.join(', ')}`
				)
			};
		}
		case 'identity-provider-removed':
			return {
				act: act(
					'removed',
					'remove',
					`${words.zone(event.zoneId)}’s identity provider (${event.issuer})`
				)
			};
		case 'person-provisioning':
			return describeProvisioning(event);
		case 'provisioning-token':
			return {
				act: {
					issued: act('issued', 'issue', `a provisioning (SCIM) token for ${event.zoneName}`),
					replaced: act(
						'replaced',
						'replace',
						`${possessive(event.zoneName)} provisioning (SCIM) token: the old one no longer works`
					),
					revoked: act(
						'revoked',
						'revoke',
						`${possessive(event.zoneName)} provisioning (SCIM) token`
					)
				}[event.act]
			};
		case 'review-completed': {
			const review = `the access review of ${event.zoneId === null ? 'the whole project' : words.zone(event.zoneId)}`;
			const deciders =
				event.reviewerIds.length === 0
					? 'nobody decided'
					: `decided by ${listed(event.reviewerIds.map((id) => words.person(id)))}`;
			const result = `${describeReviewCounts(event)}; ${deciders}`;
			return {
				act:
					event.closing === 'completed'
						? act('completed', 'complete', `${review}: ${result}`)
						: act('closed', 'close', `${review} at its due date: ${result}`)
			};
		}
	}
}

/**
 * "Borealis (18 people) from Northern Lights Analytics: removed 18 memberships and 2 open
 * invitations; ended 3 subscriptions; revoked 1 portal": only what there was, in that order.
 */
function describeOffboarding(
	event: Extract<GovernanceEvent, { kind: 'library-offboarded' }>,
	words: Words
): string {
	const from = event.projects.length === 0 ? '' : ` from ${projectsNamed(event.projects)}`;
	const done = [
		...leavingClauses(event, { where: '', whom: 'its people' }),
		...some(event.portals, `revoked ${countOf(event.portals, 'portal')}`),
		...some(event.grants, `withdrew ${countOf(event.grants, 'consent')} its people gave to portals`)
	];
	const people = countOf(event.people, 'person', 'people');
	return `${words.zone(event.zoneId)} (${people})${from}: ${done.length > 0 ? done.join('; ') : 'nothing of it was left to remove'}`;
}

/**
 * "Aurora’s identity provider deactivated Ivy Ng (ivy@aurora.example.edu): removed 2 memberships
 * (Analytics and Loans); ended 3 sessions. Analytics has no Project Admin left": the provider is the
 * actor, whoever the entry's author (the server).
 */
function describeProvisioning(
	event: Extract<GovernanceEvent, { kind: 'person-provisioning' }>
): Clause {
	const person = `${event.name || event.email} (${event.email})`;
	const provider = `${possessive(event.zoneName)} identity provider`;
	const base = {
		provisioned: 'provision',
		deactivated: 'deactivate',
		reactivated: 'reactivate',
		deleted: 'delete'
	}[event.act];
	if (event.act === 'provisioned')
		return happened(provider, `provisioned ${person}`, `${base} ${person}`);
	if (event.act === 'reactivated')
		return happened(
			provider,
			`reactivated ${person}: they may sign in again; their former memberships were not restored`,
			`${base} ${person}`
		);
	const where = event.projects.length === 0 ? '' : ` (${projectsNamed(event.projects)})`;
	const done = [
		...leavingClauses(event, { where, whom: 'them' }),
		...some(event.grants, `withdrew ${countOf(event.grants, 'consent')} to portals`),
		...some(event.sessions, `ended ${countOf(event.sessions, 'session')}`)
	];
	const adminless = event.withoutAdmin.map((project) => project.name);
	const left =
		adminless.length === 0
			? ''
			: `. ${listed(adminless)} ${adminless.length === 1 ? 'has' : 'have'} no Project Admin left`;
	const summary = done.length > 0 ? done.join('; ') : 'they had no access left to end';
	return happened(provider, `${event.act} ${person}: ${summary}${left}`, `${base} ${person}`);
}

/**
 * What people leaving lost in the projects, as clauses: "removed 18 memberships and 2 open
 * invitations" (then `where`), "ended 3 subscriptions", "took <whom> off 1 other subscription";
 * only what there was. A library's offboarding and a person's deprovisioning both say it so.
 */
function leavingClauses(counts: LeavingCounts, how: { where: string; whom: string }): string[] {
	const removed = [
		...some(counts.memberships, countOf(counts.memberships, 'membership')),
		...some(counts.invitations, countOf(counts.invitations, 'open invitation')),
		...some(counts.requests, countOf(counts.requests, 'pending request')),
		...some(counts.handovers, countOf(counts.handovers, 'hand-over request'))
	];
	return [
		...some(removed.length, `removed ${listed(removed)}${how.where}`),
		...some(
			counts.subscriptionsEnded,
			`ended ${countOf(counts.subscriptionsEnded, 'subscription')}`
		),
		...some(
			counts.subscriptionsTrimmed,
			`took ${how.whom} off ${countOf(counts.subscriptionsTrimmed, 'other subscription')}`
		)
	];
}

/** "Analytics and Loans", or "5 projects" past three. */
function projectsNamed(projects: ReadonlyArray<{ name: string }>): string {
	return projects.length <= 3
		? listed(projects.map((project) => project.name))
		: countOf(projects.length, 'project');
}

/** The clause, when there is something to count. */
function some(count: number, clause: string): string[] {
	return count > 0 ? [clause] : [];
}

/** A changed end date: the new day, null when cleared; no change when it stayed as it was. */
function endDateChange(before: number | null, after: number | null): { to: string | null } | null {
	if (before === after) return null;
	return { to: after === null ? null : formatEndDate(after) };
}

function describeHandoverRequest({
	change,
	before,
	after,
	entry,
	words
}: Described<HandoverRequest>): Clause {
	const request = (after ?? before)!;
	const asker = words.person(request.askedBy);
	const asked = words.person(request.askedOf);
	const role = ROLE_LABELS[request.stepDownTo];
	const what =
		request.kind === 'step-down'
			? `to step down to ${role}`
			: `to let them take over, stepping down to ${role}`;
	if (change === 'add') return { act: act('asked', 'ask', `${asked} ${what}`) };
	if (change === 'delete')
		return { act: act('deleted', 'delete', `a hand-over request to ${asked}`) };
	const theRequest = `${possessive(asker)} hand-over request`;
	switch (before?.status === after?.status ? null : after?.status) {
		case 'accepted':
			return { act: act('accepted', 'accept', theRequest) };
		case 'declined':
			return { act: act('declined', 'decline', theRequest) };
		case 'withdrawn':
			// The server closes one only when a library leaves: neither admin withdrew it.
			return entry.author
				? { act: act('withdrew', 'withdraw', `their hand-over request to ${asked}`) }
				: happened(`${theRequest} to ${asked}`, 'was closed', `close ${theRequest}`);
		default:
			return { act: changed(theRequest) };
	}
}

function describeInvite({ change, before, after, entry, words }: Described<Invite>): Clause {
	const invite = (after ?? before)!;
	const whom = words.address(invite.email);
	const theInvitation = `the invitation to ${whom}`;
	const as = (value: Invite) => `${ROLE_LABELS[value.role]} (${words.zone(value.zoneId)})`;
	switch (change) {
		case 'add': {
			const endsAt = endsAtOf(invite);
			const until = endsAt === null ? '' : `, until ${formatEndDate(endsAt)}`;
			return { act: act('invited', 'invite', `${whom} as ${as(invite)}${until}`) };
		}
		case 'delete':
			return entry.author
				? { act: act('revoked', 'revoke', theInvitation) }
				: happened(theInvitation, 'was removed', `remove ${theInvitation}`);
		case 'update': {
			if (!before || !after) return { act: changed(theInvitation) };
			if (isResendRequest(before, after)) return { act: act('resent', 'resend', theInvitation) };
			if (before.status !== after.status) {
				switch (after.status) {
					case 'sent':
						return happened(theInvitation, 'was sent', `mark ${theInvitation} as sent`);
					case 'accepted':
						// One who had an account already is added at once: no mail, nothing to accept.
						return before.sentAt === null
							? happened(
									whom,
									'had an account already, so was added without an invitation mail',
									`mark ${theInvitation} as accepted`
								)
							: happened(whom, 'accepted the invitation', `mark ${theInvitation} as accepted`);
					case 'failed':
						return happened(
							theInvitation,
							`could not be sent${after.failure ? `: ${after.failure}` : ''}`,
							`mark ${theInvitation} as failed`
						);
					case 'queued':
						return happened(
							theInvitation,
							'is waiting to be sent',
							`mark ${theInvitation} as waiting`
						);
				}
			}
			if (as(before) !== as(after) || JSON.stringify(before.scope) !== JSON.stringify(after.scope))
				return { act: changed(`${theInvitation} to ${as(after)}, ${words.scope(after.scope)}`) };
			return { act: act('updated', 'update', theInvitation) };
		}
	}
}

function describeRequest({
	change,
	before,
	after,
	entry,
	words
}: Described<AccessRequest>): Clause {
	const request = (after ?? before)!;
	const requester = words.person(request.requesterId, request.requesterName);
	const wish =
		request.kind === 'join'
			? `to join as ${ROLE_LABELS[request.role]}`
			: `for a ${request.cadence} digest of ${listed(request.boardIds.map((id) => words.board(id)))}`;
	switch (change) {
		case 'add':
			return entry.author
				? { act: act('asked', 'ask', wish) }
				: happened(requester, `asked ${wish}`, `file ${possessive(requester)} request ${wish}`);
		case 'delete':
			return entry.author
				? { act: act('withdrew', 'withdraw', `${possessive(requester)} request ${wish}`) }
				: happened(
						`${possessive(requester)} request ${wish}`,
						'was withdrawn',
						`withdraw ${possessive(requester)} request ${wish}`
					);
		case 'update': {
			const theRequest = `${possessive(requester)} request ${wish}`;
			if (!before || !after || before.status === after.status)
				return { act: act('updated', 'update', theRequest) };
			const reason = after.decisionReason ? `: “${after.decisionReason}”` : '';
			return after.status === 'approved'
				? { act: act('approved', 'approve', `${theRequest}${reason}`) }
				: after.status === 'denied'
					? { act: act('denied', 'deny', `${theRequest}${reason}`) }
					: { act: act('reopened', 'reopen', theRequest) };
		}
	}
}

function describeSettings({ change, after, before }: Described<ProjectInfo>): Clause {
	const project = (after ?? before)!;
	return change === 'add'
		? { act: act('set up', 'set up', `the project ${project.name}`) }
		: { act: changed(`the settings of the project ${project.name}`) };
}

function describeZone({ change, after, before }: Described<Zone>): Clause {
	const zone = (after ?? before)!;
	if (after?.leftAt !== undefined && before?.leftAt === undefined)
		return {
			act: act('marked', 'mark', `the zone ${zone.name} as having left the consortium`)
		};
	const verb = CHANGE_VERBS[change];
	return { act: act(verb.past, verb.base, `the zone ${zone.name}`) };
}

function describeView({ change, after, before }: Described<DataView>): Clause {
	const view = (after ?? before)!;
	const verb = CHANGE_VERBS[change];
	return { act: act(verb.past, verb.base, `the data view ${view.name}`) };
}

function describeSubscription({
	change,
	before,
	after,
	entry,
	words
}: Described<BoardSubscription>): Clause {
	const subscription = (after ?? before)!;
	const board = words.board(subscription.boardId);
	const recipients = (value: BoardSubscription) =>
		listed(value.recipients.map((email) => words.recipient(email)));
	const cadence = (value: BoardSubscription) => CADENCE_LABELS[value.cadence].toLowerCase();
	const terms = (value: BoardSubscription) => `${cadence(value)}${value.paused ? ', paused' : ''}`;
	switch (change) {
		case 'add':
			// The server subscribes the Network Zone user whose request was approved.
			if (!entry.author)
				return happened(
					recipients(subscription),
					`${subscription.recipients.length === 1 ? 'was' : 'were'} subscribed to ${board} (${terms(subscription)})`,
					`subscribe ${recipients(subscription)} to ${board}`
				);
			return {
				act: act(
					'subscribed',
					'subscribe',
					`${recipients(subscription)} to ${board} (${terms(subscription)})`
				)
			};
		case 'delete':
			return {
				act: act('ended', 'end', `the subscription of ${recipients(subscription)} to ${board}`)
			};
		case 'update': {
			if (!before || !after) return { act: changed(`the subscription to ${board}`) };
			const parts: string[] = [];
			if (before.boardId !== after.boardId)
				parts.push(
					`it sends ${words.board(after.boardId)} instead of ${words.board(before.boardId)}`
				);
			if (before.cadence !== after.cadence)
				parts.push(`${cadence(after)} instead of ${cadence(before)}`);
			const added = after.recipients.filter((email) => !before.recipients.includes(email));
			const removed = before.recipients.filter((email) => !after.recipients.includes(email));
			if (added.length > 0) parts.push(`added ${listed(added.map((e) => words.recipient(e)))}`);
			if (removed.length > 0)
				parts.push(`took off ${listed(removed.map((e) => words.recipient(e)))}`);
			if (before.paused !== after.paused) {
				if (parts.length === 0)
					return after.paused
						? { act: act('paused', 'pause', `the subscription to ${board}`) }
						: { act: act('resumed', 'resume', `the subscription to ${board}`) };
				parts.push(after.paused ? 'paused it' : 'resumed it');
			}
			if (parts.length === 0)
				return { act: act('saved', 'save', `the subscription to ${board} unchanged`) };
			return { act: changed(`the subscription to ${board}: ${parts.join(', ')}`) };
		}
	}
}

function describeLexicon({ change, before, after, words }: Described<LexiconEntry>): Clause {
	const entry = (after ?? before)!;
	const name = `the Lexicon entry ${entry.name}`;
	switch (change) {
		case 'add':
			return { act: act('added', 'add', name) };
		case 'delete':
			return { act: act('dropped', 'drop', name) };
		case 'update': {
			if (!before || !after) return { act: changed(name) };
			const parts: string[] = [];
			if (before.hidden !== after.hidden) parts.push(after.hidden ? 'hid it' : 'showed it again');
			if (before.description !== after.description) parts.push('edited its description');
			if (JSON.stringify(before.tags) !== JSON.stringify(after.tags))
				parts.push(after.tags.length ? `tagged it ${listed(after.tags)}` : 'removed its tags');
			if (before.lookupTableId !== after.lookupTableId)
				parts.push(
					after.lookupTableId
						? `mapped it to ${words.lookupTable(after.lookupTableId)}`
						: 'removed its lookup table mapping'
				);
			if (before.mergedInto !== after.mergedInto) parts.push('merged it into another entry');
			if (parts.length === 0) return { act: act('saved', 'save', `${name} unchanged`) };
			return { act: changed(`${name}: ${parts.join(', ')}`) };
		}
	}
}

/** Boards, custom events and the other objects of a data view: created, renamed, edited, deleted. */
function describeObject(noun: string): Describer {
	return (described) => {
		const { change, before, after, entry, words } = described as Described<Record<string, unknown>>;
		const nameOf = (value: Record<string, unknown>) =>
			typeof value.name === 'string' && value.name
				? value.name
				: typeof value.distinctId === 'string'
					? value.distinctId
					: '';
		const value = (after ?? before)!;
		const the = (item: Record<string, unknown>) =>
			nameOf(item) ? `the ${noun} ${nameOf(item)}` : withArticle(noun);
		switch (change) {
			case 'add': {
				const created =
					noun === 'lookup table' ? act('uploaded', 'upload') : act('created', 'create');
				// An upload is written by the server, for the person who sent the file.
				const uploader =
					!entry.author && typeof value.createdBy === 'string'
						? words.person(value.createdBy)
						: undefined;
				return {
					subject: uploader,
					act: act(created.past, created.base, the(value))
				};
			}
			case 'delete':
				return { act: act('deleted', 'delete', the(value)) };
			case 'update':
				if (before && after && nameOf(before) !== nameOf(after) && nameOf(after))
					return { act: act('renamed', 'rename', `${the(before)} to ${nameOf(after)}`) };
				return { act: act('edited', 'edit', the(value)) };
		}
	};
}

function describeListing({ change, after, before }: Described<ProjectListing>): Clause {
	const listing = (after ?? before)!;
	const verb = CHANGE_VERBS[change];
	return { act: act(verb.past, verb.base, `${listing.name} in a person’s project list`) };
}

function describeNotice({ change }: Described<Notice>): Clause {
	const verb = CHANGE_VERBS[change];
	return { act: act(verb.past, verb.base, 'a notice to a person') };
}
