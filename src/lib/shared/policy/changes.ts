/**
 * Judges the logical changes that one client update makes to a document: an entry of a root map
 * added, replaced or deleted. The server calls this for every change it receives, with the
 * author's current role; the UI calls the same rules before it offers an action.
 *
 * Every change is checked for shape (zod), key, author stamps and immutable fields, and then by
 * the permission matrix or the membership rules. A batch is judged against the state before it,
 * so that a change in the batch never grants rights to another; then the one global invariant,
 * "at least one Project Admin", is checked on the result.
 */
import { rootSpec, type DocumentKind } from '../documents';
import { readEntry, readStoredEntry } from '../entries';
import type { HandoverRequest } from '../handovers';
import { decideClientInvitationMove } from '../invitation-lifecycle';
import type { AccessRequest, Invite, Member } from '../membership';
import type { BoardSubscription } from '../objects';
import { ROLE_PLURALS, parseRole, type Role } from '../roles';
import { entriesNoun, entryNoun } from '../root-words';
import { ALLOW, deny, firstDenial, type Decision } from './decision';
import type { ProjectFacts } from './facts';
import {
	decideHandoverAnswer,
	decideHandoverRequest,
	requireStepDownWithAcceptance
} from './handover-rules';
import { checkPermission, type MatrixAction } from './matrix';
import {
	decideInvite,
	decideInviteResend,
	decideMemberChange,
	decideRemoval,
	decideRequestDecision,
	type Invitees
} from './membership-rules';
import { decideRecipients, type ViewInProject } from './subscription-recipients';
import { sameValue, shown } from './values';

/** One entry of one root map; `undefined` means absent (added or deleted). */
export interface EntryChange {
	root: string;
	key: string;
	before: unknown;
	after: unknown;
}

export type ChangeKind = 'add' | 'update' | 'delete';

export function changeKind(change: Pick<EntryChange, 'before' | 'after'>): ChangeKind {
	if (change.before === undefined) return 'add';
	return change.after === undefined ? 'delete' : 'update';
}

/** A change as the rules read it: both values read by the root's schema. */
type Parsed<T> =
	| { kind: 'add'; before: undefined; after: T }
	| { kind: 'update'; before: T; after: T }
	| { kind: 'delete'; before: T; after: undefined };

/**
 * The new value in its canonical form (`readEntry`: shape, key, no unknown field), or why it is
 * not one; the old value for what it says (`readStoredEntry`). An old value that does not read is
 * refused rather than guessed at: the rules need to know whose entry it is.
 */
function parseChange<T>(kind: DocumentKind, change: EntryChange): Parsed<T> | Decision {
	const spec = rootSpec(kind, change.root);
	if (!spec) return deny('server-only', `"${shown(change.root)}" is not part of this document.`);
	if (spec.writers === 'server') {
		return deny(
			'server-only',
			`The ${entriesNoun(change.root)} of this document are maintained by the server.`
		);
	}
	let after: T | undefined;
	if (change.after !== undefined) {
		const reading = readEntry(kind, change.root, change.key, change.after);
		if (!reading.ok) return reading;
		after = reading.value as T;
	}
	if (change.before === undefined) {
		return after === undefined
			? deny(
					'invalid-entry',
					`There is no such ${entryNoun(change.root)}: it may have been deleted.`
				)
			: { kind: 'add', before: undefined, after };
	}
	const before = readStoredEntry(kind, change.root, change.key, change.before) as T | undefined;
	if (before === undefined) {
		return deny(
			'invalid-entry',
			`This ${entryNoun(change.root)} was stored malformed: only the server can replace it.`
		);
	}
	return after === undefined
		? { kind: 'delete', before, after: undefined }
		: { kind: 'update', before, after };
}

function isDecision(value: unknown): value is Decision {
	return typeof value === 'object' && value !== null && 'ok' in value;
}

function unchanged<T extends object>(
	before: T,
	after: T,
	fields: readonly (keyof T)[],
	what: string
): Decision {
	const field = fields.find((name) => !sameValue(before[name], after[name]));
	return field === undefined
		? ALLOW
		: deny('immutable-field', `The ${String(field)} of ${what} cannot be changed here.`);
}

function stampedBy(authorId: string, field: string, value: unknown): Decision {
	return value === authorId
		? ALLOW
		: deny('author-mismatch', `A change must carry its author in ${field}.`);
}

// ---- project documents ----------------------------------------------------------------------

/** `invitees` tells which zones an invited address belongs to (see `inviteesFrom`). */
export function judgeProjectChange(
	facts: ProjectFacts,
	authorId: string,
	change: EntryChange,
	invitees: Invitees
): Decision {
	const parsed = parseChange<unknown>('project', change);
	if (isDecision(parsed)) return parsed;
	switch (change.root) {
		case 'members':
			return judgeMemberChange(facts, authorId, parsed as Parsed<Member>);
		case 'invites':
			return judgeInviteChange(facts, authorId, parsed as Parsed<Invite>, invitees);
		case 'requests':
			return judgeRequestChange(facts, authorId, parsed as Parsed<AccessRequest>);
		case 'handovers':
			return judgeHandoverChange(facts, authorId, parsed as Parsed<HandoverRequest>);
		default:
			return deny(
				'server-only',
				`The ${entriesNoun(change.root)} of a project are maintained by the server.`
			);
	}
}

function judgeMemberChange(
	facts: ProjectFacts,
	authorId: string,
	change: Parsed<Member>
): Decision {
	if (change.kind === 'add')
		return deny(
			'join-by-invite',
			'People join a project through an invitation or an approved request.'
		);
	if (change.kind === 'delete') return decideRemoval(facts, authorId, change.before);
	const { before, after } = change;
	return firstDenial(
		() =>
			unchanged(before, after, ['accountId', 'email', 'name', 'zoneId', 'joinedAt'], 'a member'),
		() => stampedBy(authorId, 'updatedBy', after.updatedBy),
		() => decideMemberChange(facts, authorId, before, after)
	);
}

function judgeInviteChange(
	facts: ProjectFacts,
	authorId: string,
	change: Parsed<Invite>,
	invitees: Invitees
): Decision {
	if (change.kind === 'add') {
		const { after } = change;
		return firstDenial(
			() => stampedBy(authorId, 'invitedBy', after.invitedBy),
			() => decideClientInvitationMove(undefined, after),
			() => decideInvite(facts, authorId, after, invitees)
		);
	}
	// Any write to an existing invitation, even one that changes nothing, is managing users.
	return firstDenial(
		() => decideRemovalOfInvite(facts, authorId),
		() => decideClientInvitationMove(change.before, change.after),
		() => (change.kind === 'update' ? decideInviteResend(facts, change.before) : ALLOW)
	);
}

/** Revoking or resending an invitation is managing users: Project Admins only. */
function decideRemovalOfInvite(facts: ProjectFacts, authorId: string): Decision {
	const actor = facts.member(authorId);
	if (!actor) return deny('not-a-member', 'You are not a member of this project.');
	return actor.role === 'admin'
		? ALLOW
		: deny('admin-only', 'Only Project Admins can manage the users of a project.');
}

function judgeRequestChange(
	facts: ProjectFacts,
	authorId: string,
	change: Parsed<AccessRequest>
): Decision {
	if (change.kind !== 'update') {
		return deny(
			'server-only',
			'Requests are sent from the project directory and kept as a record once decided.'
		);
	}
	const { before, after } = change;
	return firstDenial(
		() => decideRequestDecision(facts, authorId, before, after),
		() => {
			const {
				status: _s,
				decidedBy: _b,
				decidedAt: _a,
				decisionReason: _r,
				...restBefore
			} = before;
			const {
				status: _s2,
				decidedBy: _b2,
				decidedAt: _a2,
				decisionReason: _r2,
				...restAfter
			} = after;
			return sameValue(restBefore, restAfter)
				? ALLOW
				: deny('immutable-field', 'Deciding a request changes only its decision.');
		},
		() => stampedBy(authorId, 'decidedBy', after.decidedBy)
	);
}

function judgeHandoverChange(
	facts: ProjectFacts,
	authorId: string,
	change: Parsed<HandoverRequest>
): Decision {
	switch (change.kind) {
		case 'add':
			return decideHandoverRequest(facts, authorId, change.after);
		case 'update':
			return decideHandoverAnswer(facts, authorId, change.before, change.after);
		case 'delete':
			return deny(
				'server-only',
				'Hand-over requests are kept as the record of what was asked: withdraw one instead.'
			);
	}
}

export interface JudgedChange {
	change: EntryChange;
	decision: Decision;
}

/**
 * Judges every change of one update to a project document against the state before it, then
 * refuses the demotions and removals of Project Admins that would leave the project without one,
 * and the acceptance of a hand-over request that does not come with its step-down.
 */
export function judgeProjectBatch(
	facts: ProjectFacts,
	authorId: string,
	changes: readonly EntryChange[],
	invitees: Invitees
): JudgedChange[] {
	const verdicts = changes.map((change) => ({
		change,
		decision: judgeProjectChange(facts, authorId, change, invitees)
	}));
	const adminDelta = (change: EntryChange) =>
		change.root === 'members'
			? isAdmin(change.key, change.after) - isAdmin(change.key, change.before)
			: 0;
	const adminsAfter = verdicts.reduce(
		(count, { change, decision }) => count + (decision.ok ? adminDelta(change) : 0),
		facts.adminCount()
	);
	const keptAdmin =
		adminsAfter >= 1
			? verdicts
			: verdicts.map((verdict) =>
					verdict.decision.ok && adminDelta(verdict.change) < 0
						? {
								...verdict,
								decision: deny('last-admin', 'A project always keeps at least one Project Admin.')
							}
						: verdict
				);
	return requireStepDownWithAcceptance(keptAdmin);
}

/** 1 for the entry of a Project Admin, as the schema reads it (a synonym is what it stands for). */
function isAdmin(key: string, entry: unknown): number {
	if (entry === undefined) return 0;
	const member = readStoredEntry('project', 'members', key, entry) as Member | undefined;
	return member?.role === 'admin' ? 1 : 0;
}

// ---- data view and private documents --------------------------------------------------------

export interface ViewActor {
	accountId: string;
	role: Role;
}

export type Placement = 'shared' | 'private';

type Stamped = { id: string; createdBy: string; createdAt: number; updatedBy: string };

/**
 * The matrix rows that govern each root of a view document: for creating, editing, deleting. Or a
 * rule of its own: its creator or a Project Admin; one matrix row per edited Lexicon field; never
 * by hand. docs/policy.md shows this table (generated by `npm run docs:policy`).
 */
export type RootRule = MatrixAction | 'creator-or-admin' | 'lexicon-fields' | 'from-data';
export const VIEW_ACTIONS: Readonly<Record<string, Record<ChangeKind, RootRule>>> = {
	userProfiles: {
		add: 'userProfile.createEdit',
		update: 'userProfile.createEdit',
		delete: 'userProfile.delete'
	},
	boards: { add: 'board.createView', update: 'creator-or-admin', delete: 'creator-or-admin' },
	// Ending a subscription is not editing it: a Project Admin may stop what goes out of the
	// project (an approved request's digests, a leaver's), but only the creator changes it.
	subscriptions: {
		add: 'subscription.create',
		update: 'subscription.edit',
		delete: 'creator-or-admin'
	},
	customEvents: {
		add: 'customEvent.createEdit',
		update: 'customEvent.createEdit',
		delete: 'customEvent.createEdit'
	},
	savedBehaviors: {
		add: 'savedBehavior.createEdit',
		update: 'savedBehavior.createEdit',
		delete: 'savedBehavior.createEdit'
	},
	savedFormulas: {
		add: 'savedFormula.createEdit',
		update: 'savedFormula.createEdit',
		delete: 'savedFormula.createEdit'
	},
	customProperties: {
		add: 'customProperty.createEdit',
		update: 'customProperty.createEdit',
		delete: 'customProperty.createEdit'
	},
	borrowedProperties: {
		add: 'borrowedProperty.createEdit',
		update: 'borrowedProperty.createEdit',
		delete: 'borrowedProperty.createEdit'
	},
	lexicon: { add: 'from-data', update: 'lexicon-fields', delete: 'lexicon.dropData' },
	lookupTables: {
		add: 'lookupTable.upload',
		update: 'creator-or-admin',
		delete: 'creator-or-admin'
	}
};

/** Which Lexicon row each field of an entry belongs to. */
const LEXICON_FIELDS = {
	lookupTableId: 'lexicon.mapLookupTable',
	hidden: 'lexicon.hideData',
	description: 'lexicon.editDescription',
	tags: 'lexicon.addTags',
	mergedInto: 'lexicon.mergeData'
} as const satisfies Record<string, MatrixAction>;

/**
 * One change to a data view's document (`placement` shared) or to the actor's private document in
 * it; `view` is that data view with its project's facts, for the rules that depend on who may read
 * it (a subscription's recipients).
 */
export function judgeViewChange(
	actor: ViewActor,
	placement: Placement,
	change: EntryChange,
	view: ViewInProject
): Decision {
	const parsed = parseChange<Stamped>(placement === 'shared' ? 'view' : 'private', change);
	if (isDecision(parsed)) return parsed;
	return firstDenial(
		() => judgeByRootRule(actor, placement, change, parsed),
		() =>
			change.root === 'subscriptions' && parsed.kind !== 'delete'
				? decideRecipients(
						view,
						(parsed.after as unknown as BoardSubscription).recipients,
						parsed.kind === 'update'
							? (parsed.before as unknown as BoardSubscription).recipients
							: []
					)
				: ALLOW
	);
}

function judgeByRootRule(
	actor: ViewActor,
	placement: Placement,
	change: EntryChange,
	parsed: Parsed<Stamped>
): Decision {
	const actions = Object.hasOwn(VIEW_ACTIONS, change.root) ? VIEW_ACTIONS[change.root] : undefined;
	if (!actions) return deny('server-only', `"${shown(change.root)}" is not part of this document.`);
	const stamps = checkStamps(actor.accountId, parsed);
	if (!stamps.ok) return stamps;
	const rule = actions[parsed.kind];
	// Whose entry it is decides, never what the write changes: an update that changes nothing but
	// its stamps is judged by the same rule as any edit.
	const target = {
		placement,
		createdBy: (parsed.kind === 'add' ? parsed.after : parsed.before).createdBy
	};
	switch (rule) {
		case 'from-data':
			return deny(
				'server-only',
				'Lexicon entries come from the project data; they cannot be created by hand.'
			);
		case 'creator-or-admin':
			return actor.role === 'admin' || target.createdBy === actor.accountId
				? ALLOW
				: deny(
						'creator-or-admin',
						`Only its creator or a Project Admin can change this ${entryNoun(change.root)}.`
					);
		case 'lexicon-fields':
			return parsed.kind === 'update'
				? judgeLexiconEdit(actor, placement, parsed.before, parsed.after)
				: deny('server-only', 'Lexicon entries come from the project data.');
		default:
			return checkPermission({ role: actor.role, action: rule, actorId: actor.accountId, target });
	}
}

/**
 * Whether the actor may create entries of a root here at all, before there is an entry to judge:
 * what the console's create buttons ask. The same rule as for a concrete new entry.
 */
export function decideCreation(actor: ViewActor, placement: Placement, root: string): Decision {
	if (!rootSpec(placement === 'shared' ? 'view' : 'private', root)) {
		return deny('server-only', `"${shown(root)}" is not part of this document.`);
	}
	const rule = Object.hasOwn(VIEW_ACTIONS, root) ? VIEW_ACTIONS[root]!.add : undefined;
	if (!rule || rule === 'from-data') {
		return deny(
			'server-only',
			'Lexicon entries come from the project data; they cannot be created by hand.'
		);
	}
	if (rule === 'creator-or-admin' || rule === 'lexicon-fields') return ALLOW;
	return checkPermission({
		role: actor.role,
		action: rule,
		actorId: actor.accountId,
		target: { placement, createdBy: actor.accountId }
	});
}

function checkStamps(authorId: string, change: Parsed<Stamped>): Decision {
	if (change.kind === 'delete') return ALLOW;
	const { after } = change;
	return firstDenial(
		() =>
			change.kind === 'add'
				? stampedBy(authorId, 'createdBy', after.createdBy)
				: unchanged(change.before, after, ['id', 'createdBy', 'createdAt'], 'an entry'),
		() => stampedBy(authorId, 'updatedBy', after.updatedBy)
	);
}

function judgeLexiconEdit(
	actor: ViewActor,
	placement: Placement,
	before: Stamped,
	after: Stamped
): Decision {
	const fixed = unchanged(
		before as Record<string, unknown>,
		after as Record<string, unknown>,
		['kind', 'name'],
		'a Lexicon entry'
	);
	if (!fixed.ok) return fixed;
	const rights = (Object.entries(LEXICON_FIELDS) as Array<[string, MatrixAction]>).map(
		([field, action]) => ({
			changed: !sameValue(
				(before as Record<string, unknown>)[field],
				(after as Record<string, unknown>)[field]
			),
			decision: checkPermission({
				role: actor.role,
				action,
				actorId: actor.accountId,
				target: { placement }
			})
		})
	);
	const edited = rights.filter((right) => right.changed);
	if (edited.length > 0) return edited.find((right) => !right.decision.ok)?.decision ?? ALLOW;
	// Nothing but the stamps changes: it takes the right to edit the Lexicon in some way, so that
	// a rewrite never lets anyone who may not edit it claim its last change.
	if (rights.some((right) => right.decision.ok)) return ALLOW;
	const role = parseRole(actor.role);
	return role === null
		? rights[0]!.decision
		: deny('role-not-permitted', `${ROLE_PLURALS[role]} cannot edit the Lexicon.`);
}
