/**
 * Hand-over requests, as the server judges them: a Project Admin asks another; only the asked
 * admin accepts (stepping down in the same change) or declines; only the asker withdraws; each
 * once; nobody deletes them. In both management modes.
 */
import { describe, expect, it } from 'vitest';
import {
	judgeProjectBatch,
	type EntryChange,
	type HandoverRequest,
	type ManagementMode
} from '../../src/lib/shared';
import { HANDOVER_REQUEST } from '../support/entry-fixtures';
import { facts, member } from '../support/policy-fixtures';

function projectIn(mode: ManagementMode) {
	return facts(mode, [
		member('ada', 'admin', 'nz'),
		member('bo', 'admin', mode === 'network-zone' ? 'nz' : 'aurora'),
		member('cid', 'admin', 'nz'),
		member('nia', 'analyst', 'nz')
	]);
}

const asked = (patch: Partial<HandoverRequest> = {}): HandoverRequest => ({
	...HANDOVER_REQUEST,
	...patch
});

function judge(project: ReturnType<typeof projectIn>, author: string, changes: EntryChange[]) {
	return judgeProjectBatch(project, author, changes, project.invitees).map(
		(verdict) => verdict.decision
	);
}

const add = (request: HandoverRequest): EntryChange => ({
	root: 'handovers',
	key: request.id,
	before: undefined,
	after: request
});

const answer = (
	status: HandoverRequest['status'],
	patch: Partial<HandoverRequest> = {},
	before = asked()
): EntryChange => ({
	root: 'handovers',
	key: before.id,
	before,
	after: { ...before, status, answeredAt: 5, reply: null, ...patch }
});

function stepDown(project: ReturnType<typeof projectIn>, accountId: string, role: string) {
	const before = project.member(accountId)!;
	return {
		root: 'members',
		key: accountId,
		before,
		after: { ...before, role, updatedBy: accountId, updatedAt: 5 }
	};
}

describe.each(['network-zone', 'institution-zone'] as const)(
	'hand-over requests in %s management',
	(mode) => {
		const project = projectIn(mode);

		it('lets a Project Admin ask another Project Admin, as themselves', () => {
			expect(judge(project, 'ada', [add(asked())])).toEqual([{ ok: true }]);
			expect(
				judge(project, 'ada', [add(asked({ kind: 'take-over', stepDownTo: 'consumer' }))])
			).toEqual([{ ok: true }]);
		});

		it('refuses asking oneself, someone below Admin, or a stranger', () => {
			for (const askedOf of ['ada', 'nia', 'zed'])
				expect(judge(project, 'ada', [add(asked({ askedOf }))])).toEqual([
					expect.objectContaining({ ok: false, code: 'handover-target' })
				]);
		});

		it('refuses an Analyst asking, and a request in someone else’s name', () => {
			expect(judge(project, 'nia', [add(asked({ askedBy: 'nia' }))])).toEqual([
				expect.objectContaining({ code: 'admin-only' })
			]);
			expect(judge(project, 'cid', [add(asked())])).toEqual([
				expect.objectContaining({ code: 'author-mismatch' })
			]);
		});

		it('refuses a new request that claims an answer', () => {
			expect(judge(project, 'ada', [add(asked({ status: 'accepted', answeredAt: 2 }))])).toEqual([
				expect.objectContaining({ code: 'invalid-entry' })
			]);
		});

		it('lets the asked admin accept by stepping down to the role asked, in the same change', () => {
			expect(
				judge(project, 'bo', [answer('accepted'), stepDown(project, 'bo', 'analyst')])
			).toEqual([{ ok: true }, { ok: true }]);
		});

		it('refuses an acceptance without its step-down, or with another role', () => {
			expect(judge(project, 'bo', [answer('accepted')])).toEqual([
				expect.objectContaining({ code: 'handover-needs-step-down' })
			]);
			expect(
				judge(project, 'bo', [answer('accepted'), stepDown(project, 'bo', 'consumer')])
			).toEqual([expect.objectContaining({ code: 'handover-needs-step-down' }), { ok: true }]);
		});

		it('refuses the step-down sent as the acceptance of a request withdrawn meanwhile', () => {
			const withdrawn = asked({ status: 'withdrawn', answeredAt: 4 });
			expect(
				judge(project, 'bo', [
					answer('accepted', {}, withdrawn),
					stepDown(project, 'bo', 'analyst')
				])
			).toEqual([
				expect.objectContaining({ code: 'request-decided' }),
				expect.objectContaining({
					code: 'request-decided',
					message:
						'Your step-down was your answer to a hand-over request, which was refused: This hand-over request has already been answered.'
				})
			]);
			// Stepping down alone is one's own choice, request or not.
			expect(judge(project, 'bo', [stepDown(project, 'bo', 'analyst')])).toEqual([{ ok: true }]);
		});

		it('lets only the asked admin accept or decline', () => {
			for (const author of ['ada', 'cid', 'nia'])
				for (const status of ['accepted', 'declined'] as const)
					expect(judge(project, author, [answer(status)])[0]).toEqual(
						expect.objectContaining({
							code: 'handover-not-yours',
							message: 'Only bo can accept or decline this hand-over request.'
						})
					);
			expect(judge(project, 'bo', [answer('declined', { reply: 'Not before June.' })])).toEqual([
				{ ok: true }
			]);
		});

		it('lets only the asker withdraw', () => {
			expect(judge(project, 'ada', [answer('withdrawn')])).toEqual([{ ok: true }]);
			expect(judge(project, 'bo', [answer('withdrawn')])).toEqual([
				expect.objectContaining({ code: 'handover-not-yours' })
			]);
		});

		it('takes one answer only, and changes nothing of what was asked', () => {
			const declined = asked({ status: 'declined', answeredAt: 5 });
			expect(judge(project, 'bo', [answer('accepted', {}, declined)])).toEqual([
				expect.objectContaining({ code: 'request-decided' })
			]);
			expect(judge(project, 'bo', [answer('declined', { stepDownTo: 'consumer' })])).toEqual([
				expect.objectContaining({ code: 'immutable-field' })
			]);
			expect(judge(project, 'bo', [answer('pending', { answeredAt: null })])).toEqual([
				expect.objectContaining({ code: 'invalid-entry' })
			]);
		});

		it('keeps every request as a record: nobody deletes one', () => {
			for (const author of ['ada', 'bo'])
				expect(
					judge(project, author, [
						{ root: 'handovers', key: 'h1', before: asked(), after: undefined }
					])
				).toEqual([expect.objectContaining({ code: 'server-only' })]);
		});

		it('refuses the acceptance with the step-down when the asked admin is the last one left', () => {
			const alone = facts(mode, [member('bo', 'admin', 'nz'), member('nia', 'analyst', 'nz')]);
			expect(judge(alone, 'bo', [answer('accepted'), stepDown(alone, 'bo', 'analyst')])).toEqual([
				expect.objectContaining({ code: 'handover-needs-step-down' }),
				expect.objectContaining({ code: 'last-admin' })
			]);
		});
	}
);
