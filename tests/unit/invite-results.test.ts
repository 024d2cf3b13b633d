import { describe, expect, it } from 'vitest';
import {
	describeInviteResults,
	describeQueuedInvites,
	resultOf,
	type InviteResult
} from '../../src/lib/components/invite-results';
import type { Invite } from '../../src/lib/shared';

function withStatus(status: Invite['status']): Invite {
	return {
		id: 'i1',
		email: 'a@aurora.example.edu',
		role: 'analyst',
		zoneId: 'aurora',
		scope: 'all',
		invitedBy: 'admin',
		invitedAt: 1,
		sendRequests: 1,
		status,
		sentAt: null,
		expiresAt: null,
		acceptedAt: null,
		failure: null
	};
}

describe('what Invite Users says once the server has handled the invitations', () => {
	it('reads each invitation’s result from the document', () => {
		expect(resultOf(withStatus('queued'), true)).toBe('waiting');
		expect(resultOf(withStatus('sent'), true)).toBe('invited');
		expect(resultOf(withStatus('accepted'), true)).toBe('added');
		expect(resultOf(withStatus('failed'), true)).toBe('not-sent');
		expect(resultOf(undefined, true)).toBe('refused');
		expect(resultOf(undefined, false)).toBe('waiting');
	});

	it('says nothing until every invitation has a result', () => {
		expect(describeInviteResults(['invited', 'waiting'], 'Analytics')).toBeNull();
		expect(describeInviteResults([], 'Analytics')).toBeNull();
	});

	it('tells added from invited, with plurals', () => {
		const say = (results: InviteResult[]) => describeInviteResults(results, 'Analytics');
		expect(say(['invited', 'added'])).toEqual({
			tone: 'success',
			message: 'Added 1 person who already had an account to Analytics; sent 1 invitation.'
		});
		expect(say(['invited', 'invited'])).toEqual({
			tone: 'success',
			message: 'Sent 2 invitations.'
		});
		expect(say(['added', 'added', 'added'])).toEqual({
			tone: 'success',
			message: 'Added 3 people who already had accounts to Analytics.'
		});
		expect(say(['invited', 'not-sent', 'refused', 'refused'])).toEqual({
			tone: 'warning',
			message:
				'Sent 1 invitation; 1 invitation was not sent (Invited Users says why); 2 were refused.'
		});
	});

	it('says what happens to invitations queued offline', () => {
		expect(describeQueuedInvites(1)).toMatch(/^The invitation is queued\./);
		expect(describeQueuedInvites(3)).toMatch(/^3 invitations are queued\./);
	});
});
