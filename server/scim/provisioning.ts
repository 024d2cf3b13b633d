/**
 * What a zone's identity provider does through SCIM (src/lib/shared/scim.ts), as failures and
 * successes: create, replace, patch and delete a user of its zone. The zone is the token's; a user
 * of another zone is not found, and an address outside the zone's domains is refused.
 *
 * Creating a user makes the account (or takes the one with that address: the provider speaks for
 * its domains), makes it a person of the zone, and records the user. Deactivating or deleting ends
 * the person's access at once (`endAccessOf`, deprovision.ts) and keeps them from signing in;
 * reactivating lets them sign in again and restores nothing: memberships are given anew, by
 * invitation or request, as for anyone. The provider's names name the account. Each of these acts
 * is one governance entry, "by <zone>'s identity provider".
 */
import {
	accountNameOf,
	applyScimPatch,
	fail,
	formatDate,
	newId,
	parseScimFilter,
	scimStateOf,
	succeed,
	zonesClaimingEmail,
	type Consortium,
	type Failure,
	type Outcome,
	type PersonProvisioning,
	type ProvisioningAct,
	type ScimFailureCode,
	type ScimListQuery,
	type ScimPatchOperation,
	type ScimUserInput,
	type ScimUserState,
	type Zone
} from '../../src/lib/shared';
import {
	changeAccountEmail,
	createAccount,
	findAccountByEmail,
	findAccountById,
	renameAccount,
	type Account
} from '../auth/accounts';
import { recordGovernanceEvent } from '../audit/governance';
import { addZonePerson } from '../consortium/zone-people';
import type { Db } from '../db/database';
import { findLastOffboarding } from '../offboarding/records';
import { endAccessOf, type AccessEnded, type DeprovisionDeps } from './deprovision';
import {
	findScimUser,
	findScimUserOfAccount,
	insertScimUser,
	listScimUsers,
	markScimUserDeleted,
	updateScimUser,
	type ScimUserRow
} from './users';

export interface ProvisioningDeps extends DeprovisionDeps {
	/** Told after an account's name or address changed (its member entries show both). */
	onAccountChanged?: (account: Account) => void;
}

/** The zone a request acts for (its token's), with its consortium. */
export interface ProvisioningZone {
	zone: Zone;
	consortium: Consortium;
}

type UserOutcome = Outcome<{ user: ScimUserRow }, ScimFailureCode>;

/**
 * Why the zone's identity provider may provision nobody: its library left the consortium (a
 * finished offboarding), so nobody may be added to the zone, and its people's access there ended
 * with it. Null while the zone is a member. Its token may still exist: this is asked at each use.
 */
export function provisioningEnded(
	db: Db,
	at: Pick<ProvisioningZone, 'zone'> & { consortium: Pick<Consortium, 'name'> }
): Failure<'zone-left'> | null {
	const left = findLastOffboarding(db, at.zone.id);
	if (!left?.completedAt) return null;
	return fail(
		'zone-left',
		`${at.zone.name} left ${at.consortium.name} on ${formatDate(left.completedAt, 'UTC')}: its identity provider provisions nobody in the console any more.`
	);
}

export function createScimUser(
	deps: ProvisioningDeps,
	at: ProvisioningZone,
	input: ScimUserInput
): UserOutcome {
	const { db } = deps.auth;
	const state = scimStateOf(input);
	const outside = addressOutside(at, state.userName);
	if (outside) return outside;
	const now = deps.auth.settings.now();
	const existing = findAccountByEmail(db, state.userName);
	if (existing) {
		const row = findScimUserOfAccount(db, at.zone.id, existing.id);
		if (row && row.deletedAt === null)
			return fail(
				'uniqueness',
				`${at.zone.name}’s identity provider already provisioned ${state.userName}, as user ${row.id}.`
			);
	}
	const account = existing ?? newAccount(deps, state);
	if (existing && namesGiven(state)) rename(deps, existing, accountNameOf(state));
	addZonePerson(db, at.zone.id, account.id, 'office', now);
	const id = newId();
	insertScimUser(db, { id, zoneId: at.zone.id, accountId: account.id, state, now });
	const person = personOf(deps, account.id);
	record(deps, at, 'provisioned', person, NOTHING_ENDED);
	if (!state.active && existing)
		record(deps, at, 'deactivated', person, endAccessOf(deps, person, at.zone));
	return succeed({ user: findScimUser(db, at.zone.id, id)! });
}

export function getScimUser(deps: ProvisioningDeps, at: ProvisioningZone, id: string): UserOutcome {
	const user = findScimUser(deps.auth.db, at.zone.id, id);
	return user ? succeed({ user }) : notFound(id);
}

export function listScimUserPage(
	deps: ProvisioningDeps,
	at: ProvisioningZone,
	query: ScimListQuery
): Outcome<{ total: number; users: ScimUserRow[] }, 'invalidFilter'> {
	let filter = null;
	if (query.filter !== undefined && query.filter.trim() !== '') {
		const parsed = parseScimFilter(query.filter);
		if (!parsed.ok) return parsed;
		filter = parsed.filter;
	}
	return succeed(listScimUsers(deps.auth.db, at.zone.id, filter, query));
}

export function replaceScimUser(
	deps: ProvisioningDeps,
	at: ProvisioningZone,
	id: string,
	input: ScimUserInput
): UserOutcome {
	const user = findScimUser(deps.auth.db, at.zone.id, id);
	if (!user) return notFound(id);
	return changeScimUser(deps, at, user, scimStateOf(input, user.state.active));
}

export function patchScimUser(
	deps: ProvisioningDeps,
	at: ProvisioningZone,
	id: string,
	operations: readonly ScimPatchOperation[]
): UserOutcome {
	const user = findScimUser(deps.auth.db, at.zone.id, id);
	if (!user) return notFound(id);
	const patched = applyScimPatch(user.state, operations);
	if (!patched.ok) return patched;
	return changeScimUser(deps, at, user, patched.state);
}

/** Deletes the user: their access ends, and they cannot sign in until created again. */
export function deleteScimUser(
	deps: ProvisioningDeps,
	at: ProvisioningZone,
	id: string
): Outcome<object, ScimFailureCode> {
	const { db } = deps.auth;
	const user = findScimUser(db, at.zone.id, id);
	if (!user) return notFound(id);
	markScimUserDeleted(db, user.id, deps.auth.settings.now());
	const person = personOf(deps, user.accountId);
	record(deps, at, 'deleted', person, endAccessOf(deps, person, at.zone));
	return succeed({});
}

/**
 * The user as the provider now describes them: a new address (within the zone's domains, held by
 * no other account), new names, and `active`, whose change deactivates or reactivates them.
 */
function changeScimUser(
	deps: ProvisioningDeps,
	at: ProvisioningZone,
	user: ScimUserRow,
	next: ScimUserState
): UserOutcome {
	const { db } = deps.auth;
	if (next.userName !== user.state.userName) {
		const outside = addressOutside(at, next.userName);
		if (outside) return outside;
		const moved = changeAccountEmail(deps.auth, user.accountId, next.userName);
		if (!moved.ok) return fail('uniqueness', `Another account already uses ${next.userName}.`);
		announce(deps, moved.account);
	}
	if (accountNameOf(next) !== accountNameOf(user.state) && namesGiven(next))
		rename(deps, findAccountById(db, user.accountId)!, accountNameOf(next));
	updateScimUser(db, user.id, next, deps.auth.settings.now());
	if (user.state.active !== next.active) {
		const person = personOf(deps, user.accountId);
		if (next.active) record(deps, at, 'reactivated', person, NOTHING_ENDED);
		else record(deps, at, 'deactivated', person, endAccessOf(deps, person, at.zone));
	}
	return succeed({ user: findScimUser(db, at.zone.id, user.id)! });
}

/** Why the address is not the zone's to provision; null when it is. */
function addressOutside(
	at: ProvisioningZone,
	email: string
): Outcome<never, 'invalidValue'> | null {
	const { zone, consortium } = at;
	if (zonesClaimingEmail(consortium.zones, email).some((claimant) => claimant.id === zone.id))
		return null;
	if (zone.emailDomains.length === 0)
		return fail(
			'invalidValue',
			`${zone.name} has no email domains, so it provisions nobody: the consortium office sets its domains first.`
		);
	return fail(
		'invalidValue',
		`${email} is not an address of ${zone.name}, whose domains are ${zone.emailDomains.join(', ')}.`
	);
}

function newAccount(deps: ProvisioningDeps, state: ScimUserState): Account {
	const created = createAccount(deps.auth, { email: state.userName, name: accountNameOf(state) });
	return created.ok ? created.account : findAccountByEmail(deps.auth.db, state.userName)!;
}

function namesGiven(state: ScimUserState): boolean {
	const { givenName, familyName, formatted } = state.name;
	return [state.displayName, givenName, familyName, formatted].some((name) => name !== null);
}

function rename(deps: ProvisioningDeps, account: Account, name: string): void {
	if (account.name === name) return;
	announce(deps, renameAccount(deps.auth, account.id, name)!);
}

/** The change is made: a listener's failure is logged, never turned into the provider's error. */
function announce(deps: ProvisioningDeps, account: Account): void {
	try {
		deps.onAccountChanged?.(account);
	} catch (error) {
		deps.log.error({ err: error }, 'an onAccountChanged listener failed');
	}
}

function personOf(deps: ProvisioningDeps, accountId: string) {
	const account = findAccountById(deps.auth.db, accountId)!;
	return { accountId, name: account.name, email: account.email };
}

const NOTHING_ENDED: AccessEnded = {
	projects: [],
	memberships: 0,
	invitations: 0,
	requests: 0,
	handovers: 0,
	subscriptionsEnded: 0,
	subscriptionsTrimmed: 0,
	grants: 0,
	sessions: 0,
	withoutAdmin: []
};

/** The act's governance entry: in the consortium's log, and in each project it changed. */
function record(
	deps: ProvisioningDeps,
	at: ProvisioningZone,
	act: ProvisioningAct,
	person: { accountId: string; name: string; email: string },
	ended: AccessEnded
): void {
	const { db } = deps.auth;
	const event: PersonProvisioning = {
		kind: 'person-provisioning',
		act,
		zoneId: at.zone.id,
		zoneName: at.zone.name,
		...person,
		...ended
	};
	const entry = {
		authorId: null,
		subject: { accountId: person.accountId, email: person.email, zoneId: at.zone.id },
		event,
		at: deps.auth.settings.now()
	};
	const projectIds = new Set(
		[...ended.projects, ...ended.withoutAdmin].map((project) => project.id)
	);
	db.transaction(() => {
		recordGovernanceEvent(db, { ...entry, place: { consortiumId: at.consortium.id } });
		for (const projectId of projectIds)
			recordGovernanceEvent(db, { ...entry, place: { projectId } });
	})();
}

function notFound(id: string): Outcome<never, 'user-not-found'> {
	return fail('user-not-found', `The zone has no user ${id}.`);
}
