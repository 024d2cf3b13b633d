/**
 * An invitation's state machine (src/lib/shared/invitation-lifecycle.ts): whatever path of allowed
 * moves an invitation takes, every entry on it is one the schema accepts, in the state the table
 * says; the policy lets a Project Admin's client make the client's moves and refuses a client the
 * server's; and docs/workflows.md shows the table the code has.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	acceptedInvitation,
	asksToBeSent,
	failedInvitation,
	INVITATION_MOVES,
	InviteSchema,
	isNewInvitation,
	isOpenInvitation,
	isResendRequest,
	judgeProjectChange,
	mayMove,
	newInvitation,
	OFFICE_INVITER,
	sentInvitation,
	withResendRequested,
	type Invite,
	type InvitationMoveName,
	type InvitationPlace
} from '../../src/lib/shared';
import { facts, member } from '../support/policy-fixtures';

const project = facts('network-zone', [
	member('ada', 'admin', 'nz'),
	member('nia', 'analyst', 'nz')
]);
const WEEK = 7 * 86_400_000;
const MOVE_NAMES = Object.keys(INVITATION_MOVES) as InvitationMoveName[];

function invitation(invitedBy: string, invitedAt: number): Invite {
	return newInvitation({
		id: 'inv1',
		email: 'New.Person@Office.Example.org',
		role: 'analyst',
		zoneId: 'nz',
		scope: 'all',
		invitedBy,
		invitedAt
	});
}

/** The invitation after `move`, made at time `at` (undefined: not in the document). */
function moved(
	move: InvitationMoveName,
	invite: Invite | undefined,
	at: number
): Invite | undefined {
	switch (move) {
		case 'invite':
			return invitation('ada', at);
		case 'inviteFirstAdmin':
			return sentInvitation(invitation(OFFICE_INVITER, at), at, at + WEEK);
		case 'resend':
			return withResendRequested(invite!);
		case 'revoke':
			return undefined;
		case 'send':
		case 'copyLink':
			return sentInvitation(invite!, at, at + WEEK);
		case 'fail':
			return failedInvitation(invite!, 'Not sent: this address was sent too many invitations.');
		case 'accept':
			return acceptedInvitation(invite!, at);
	}
}

function placeOf(invite: Invite | undefined): InvitationPlace {
	return invite?.status ?? 'none';
}

/** The change as a client (ada, a Project Admin, unless said otherwise) would send it. */
function judgedForClient(before: Invite | undefined, after: Invite | undefined, author = 'ada') {
	return judgeProjectChange(
		project,
		author,
		{ root: 'invites', key: 'inv1', before, after },
		project.invitees
	);
}

/** Each step picks, among the moves allowed where the invitation is, the nth modulo their count. */
const PATH = fc.array(fc.nat(), { maxLength: 30 });

describe('the invitation state machine', () => {
	it('keeps an invitation a valid entry, in the state the table says, on any path of allowed moves', () => {
		fc.assert(
			fc.property(PATH, (picks) => {
				let invite: Invite | undefined;
				picks.forEach((pick, step) => {
					const allowed = MOVE_NAMES.filter((name) => mayMove(name, placeOf(invite)));
					const move = allowed[pick % allowed.length]!;
					const before = invite;
					invite = moved(move, before, 1_000 + step);
					const { to, by } = INVITATION_MOVES[move];
					expect(placeOf(invite)).toBe(to === 'same' ? placeOf(before) : to);
					if (invite) expect(InviteSchema.parse(invite)).toEqual(invite);
					if (invite) expect(isOpenInvitation(invite)).toBe(invite.status !== 'accepted');
					const decision = judgedForClient(before, invite);
					if (by === 'client') {
						expect(decision, `${move} from ${placeOf(before)}`).toEqual({ ok: true });
						expect(asksToBeSent(before, invite)).toBe(move !== 'revoke');
					} else {
						expect(decision.ok, `${move} from ${placeOf(before)}`).toBe(false);
					}
				});
			}),
			{ numRuns: 300 }
		);
	});

	it('lets nobody but a Project Admin make the client’s moves', () => {
		const queued = invitation('ada', 1);
		expect(judgedForClient(undefined, invitation('nia', 1), 'nia')).toMatchObject({
			code: 'admin-only'
		});
		expect(judgedForClient(queued, withResendRequested(queued), 'nia')).toMatchObject({
			code: 'admin-only'
		});
		expect(judgedForClient(queued, undefined, 'nia')).toMatchObject({ code: 'admin-only' });
	});

	it('refuses a client a resend of an accepted invitation, and any other edit', () => {
		const accepted = acceptedInvitation(sentInvitation(invitation('ada', 1), 2, 3), 4);
		expect(judgedForClient(accepted, withResendRequested(accepted))).toMatchObject({
			code: 'invite-accepted'
		});
		const sent = sentInvitation(invitation('ada', 1), 2, 3);
		fc.assert(
			fc.property(fc.integer({ min: -3, max: 5 }), (more) => {
				fc.pre(more !== 1);
				expect(judgedForClient(sent, { ...sent, sendRequests: sent.sendRequests + more })).toEqual(
					expect.objectContaining({ ok: false })
				);
			})
		);
		expect(judgedForClient(sent, { ...withResendRequested(sent), role: 'admin' })).toMatchObject({
			code: 'immutable-field'
		});
		expect(judgedForClient(undefined, withResendRequested(invitation('ada', 1)))).toMatchObject({
			code: 'server-only'
		});
	});

	it('words each move as the server and the console read it', () => {
		const queued = invitation('ada', 1);
		expect(queued).toMatchObject({ email: 'new.person@office.example.org', status: 'queued' });
		expect(isNewInvitation(queued)).toBe(true);
		const failed = failedInvitation(sentInvitation(queued, 2, 3), 'Not sent.');
		// A failed resend keeps the earlier link's dates: that link still works.
		expect(failed).toMatchObject({ status: 'failed', sentAt: 2, expiresAt: 3 });
		expect(sentInvitation(failed, 5, 6)).toMatchObject({ status: 'sent', failure: null });
		expect(isNewInvitation(failed)).toBe(false);
		expect(isResendRequest(failed, withResendRequested(failed))).toBe(true);
		expect(isResendRequest(failed, sentInvitation(failed, 5, 6))).toBe(false);
		expect(asksToBeSent(failed, sentInvitation(failed, 5, 6))).toBe(false);
	});

	it('is the table docs/workflows.md shows', () => {
		const workflows = readFileSync(new URL('../../docs/workflows.md', import.meta.url), 'utf8');
		const place = (value: string) => (value === 'none' ? 'none' : `\`${value}\``);
		for (const name of MOVE_NAMES) {
			const { by, from, to } = INVITATION_MOVES[name];
			const cells = [
				`**${name}**`,
				by,
				from.map(place).join(', '),
				to === 'same' ? 'the same' : place(to)
			];
			expect(workflows).toMatch(new RegExp(`^\\| ${cells.map(escaped).join(' +\\| ')} +\\|`, 'm'));
		}
	});
});

function escaped(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
