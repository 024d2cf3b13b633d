/**
 * The access reviews API (docs/api.md): a project's reviews, starting one, reading one, a decision
 * about one person, completing, and the review as CSV. Project Admins only; the rules are the
 * shared ones (access-reviews.ts), applied by reviews.ts.
 */
import { enforceLimit, requireSignedIn, type AuthContext } from '../auth/routes/context';
import type { RateLimitRule } from '../auth/settings';
import { csvDownload, fileNamePart, isoTime } from '../http/csv-download';
import { orThrow } from '../http/failure-status';
import { RateLimiter } from '../http/rate-limit';
import type { Router } from '../http/router';
import {
	completeReview,
	decideAboutPerson,
	listReviews,
	readReview,
	reviewLines,
	startReview,
	type ReviewDeps
} from './reviews';
import { API } from '../../src/lib/shared/api-contract';

const CSV_HEADER = [
	'Person',
	'Email',
	'Zone',
	'Role',
	'Data views',
	'Reason',
	'Decision',
	'Decided by',
	'Decided at (UTC)'
];

export function registerReviewRoutes(
	router: Router,
	auth: AuthContext,
	deps: ReviewDeps & { limits: { reviewStartsPerAccount: RateLimitRule } }
): void {
	const startsPerAccount = new RateLimiter({
		...deps.limits.reviewStartsPerAccount,
		now: deps.now
	});

	router.add(API.listReviews, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { reviews } = orThrow(listReviews(deps, request.params.id, account.id));
		return { body: { reviews } };
	});

	router.add(API.startReview, async (request) => {
		const { account } = requireSignedIn(auth, request);
		enforceLimit(startsPerAccount, account.id);
		const input = await request.json();
		const { review } = orThrow(startReview(deps, request.params.id, account, input));
		return { status: 201, body: { review } };
	});

	router.add(API.getReview, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { id, reviewId } = request.params;
		return { body: { review: orThrow(readReview(deps, id, reviewId, account.id)).review } };
	});

	router.add(API.decideReviewItem, async (request) => {
		const { account } = requireSignedIn(auth, request);
		const { decision } = await request.json();
		const { id: projectId, reviewId, accountId } = request.params;
		const target = { projectId, reviewId, accountId };
		const { review } = orThrow(decideAboutPerson(deps, target, account.id, decision));
		return { body: { review } };
	});

	router.add(API.completeReview, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { id, reviewId } = request.params;
		return { body: { review: orThrow(completeReview(deps, id, reviewId, account.id)).review } };
	});

	router.add(API.downloadReviewCsv, (request) => {
		const { account } = requireSignedIn(auth, request);
		const { id, reviewId } = request.params;
		const { projectName, scopeName, startedAt, lines } = orThrow(
			reviewLines(deps, id, reviewId, account.id)
		);
		const rows = lines.map((line) => [
			line.person,
			line.email,
			line.zone,
			line.role,
			line.dataViews,
			line.reason,
			line.decision,
			line.decidedBy,
			line.decidedAt === null ? '' : isoTime(line.decidedAt)
		]);
		const name = [projectName, scopeName, isoTime(startedAt).slice(0, 10)].map(fileNamePart);
		return csvDownload(`access-review-${name.join('-')}.csv`, [CSV_HEADER, ...rows]);
	});
}
