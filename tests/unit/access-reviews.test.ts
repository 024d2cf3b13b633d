/**
 * The access review rules (src/lib/shared/access-reviews.ts) in both management modes: who starts
 * a review, who reviews which zone, what a decision needs, and the words the page, the CSV and the
 * audit log share.
 */
import { describe, expect, it } from 'vitest';
import {
	accessReasonOf,
	checkReviewCompletion,
	checkReviewDecision,
	checkReviewDueDate,
	checkReviewStart,
	checkZoneReviewer,
	countOutcomes,
	describeReviewCounts,
	reviewedMembers,
	scopeWords,
	REVIEW_MIN_NOTICE_MS,
	type DecisionFacts
} from '../../src/lib/shared';
import { facts, izMember, member } from '../support/policy-fixtures';

const network = facts('network-zone', [
	member('ada', 'admin', 'nz'),
	member('nils', 'admin', 'nz'),
	izMember('ian', 'analyst', 'aurora'),
	izMember('bo', 'consumer', 'borealis')
]);
const institution = facts('institution-zone', [
	member('iza', 'admin', 'aurora'),
	member('nadia', 'admin', 'nz'),
	member('ian', 'analyst', 'aurora'),
	member('nora', 'consumer', 'nz')
]);

const codeOf = (outcome: { ok: boolean; code?: string }) => (outcome.ok ? 'ok' : outcome.code);

describe('who reviews which zone', () => {
	it('in network-zone management, any Project Admin reviews any zone', () => {
		for (const zoneId of ['nz', 'aurora', 'borealis']) {
			expect(codeOf(checkZoneReviewer(network, 'ada', zoneId))).toBe('ok');
			expect(codeOf(checkReviewStart(network, 'nils', zoneId))).toBe('ok');
		}
		expect(codeOf(checkZoneReviewer(network, 'ian', 'aurora'))).toBe('not-project-admin');
	});

	it('in institution-zone management, each admin reviews their own home zone only', () => {
		expect(codeOf(checkZoneReviewer(institution, 'iza', 'aurora'))).toBe('ok');
		expect(codeOf(checkZoneReviewer(institution, 'iza', 'nz'))).toBe('not-zone-reviewer');
		expect(codeOf(checkZoneReviewer(institution, 'nadia', 'nz'))).toBe('ok');
		expect(codeOf(checkReviewStart(institution, 'nadia', 'aurora'))).toBe('not-zone-reviewer');
		expect(codeOf(checkReviewStart(institution, 'nadia', null))).toBe('ok');
		expect(codeOf(checkReviewStart(institution, 'nora', null))).toBe('not-project-admin');
		expect(codeOf(checkReviewStart(institution, 'iza', 'atlantis'))).toBe('review-zone-unknown');
	});

	it('lets the starter or a reviewer of the zone complete an open review', () => {
		const review = { status: 'open' as const, zoneId: 'aurora', startedBy: 'iza' };
		expect(codeOf(checkReviewCompletion(institution, 'iza', review))).toBe('ok');
		expect(codeOf(checkReviewCompletion(institution, 'nadia', review))).toBe('not-zone-reviewer');
		expect(
			codeOf(checkReviewCompletion(institution, 'nadia', { ...review, startedBy: 'nadia' }))
		).toBe('ok');
		expect(codeOf(checkReviewCompletion(institution, 'iza', { ...review, status: 'closed' }))).toBe(
			'review-closed'
		);
	});
});

describe('decisions and due dates', () => {
	const open: DecisionFacts['review'] = { status: 'open', dueAt: 1_000 };
	const ian: DecisionFacts['item'] = { accountId: 'ian', zoneId: 'aurora', outcome: null };

	it('needs an open review before its due date, an undecided person still a member, and not one’s own access', () => {
		const decide = (actorId: string, review = open, item = ian, now = 0) =>
			codeOf(checkReviewDecision(institution, actorId, { review, item }, now));
		expect(decide('iza')).toBe('ok');
		expect(decide('iza', open, ian, 1_000)).toBe('review-closed');
		expect(decide('iza', { ...open, status: 'closed' })).toBe('review-closed');
		expect(decide('iza', open, { ...ian, outcome: 'keep' })).toBe('review-item-decided');
		expect(decide('nadia')).toBe('not-zone-reviewer');
		expect(decide('iza', open, { ...ian, accountId: 'iza' })).toBe('review-own-access');
		expect(decide('iza', open, { ...ian, accountId: 'gone' })).toBe('review-person-gone');
	});

	it('wants a due date between an hour and a year ahead', () => {
		expect(codeOf(checkReviewDueDate(REVIEW_MIN_NOTICE_MS - 1, 0))).toBe('review-due-date');
		expect(codeOf(checkReviewDueDate(REVIEW_MIN_NOTICE_MS, 0))).toBe('ok');
		expect(codeOf(checkReviewDueDate(400 * 24 * 3_600_000, 0))).toBe('review-due-date');
	});
});

describe('words', () => {
	it('lists the zone’s members by name, says their access and its reason', () => {
		const people = reviewedMembers(
			[
				member('zed', 'consumer', 'aurora'),
				member('amy', 'analyst', 'aurora'),
				member('x', 'admin', 'nz')
			],
			'aurora'
		);
		expect(people.map((person) => person.accountId)).toEqual(['amy', 'zed']);
		expect(scopeWords('all', {})).toBe('All data views');
		expect(scopeWords(['a', 'b', 'c'], { a: 'Aurora', b: 'Borealis' })).toBe(
			'Aurora, Borealis and a removed data view'
		);
		expect(accessReasonOf({ accountId: 'ian', joinedAt: Date.UTC(2026, 11, 1, 23, 30) })).toBe(
			'Member since 1 Dec 2026'
		);
	});

	it('counts outcomes and says them, leaving out nobody who left', () => {
		const counts = countOutcomes(['keep', 'keep', 'remove', null, 'left']);
		expect(counts).toEqual({ people: 5, kept: 2, removed: 1, left: 1, undecided: 1 });
		expect(describeReviewCounts(counts)).toBe(
			'2 kept, 1 removed, 1 no longer a member, 1 undecided'
		);
		expect(describeReviewCounts(countOutcomes(['keep']))).toBe('1 kept, 0 removed, 0 undecided');
	});
});
