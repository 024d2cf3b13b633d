/**
 * The preview of a change to a member's access (docs/api.md): what they would gain and lose,
 * subscriptions included, before the change is made in the project document. Also for the
 * embedded widget, whose session reaches its one project.
 */
import { fail } from '../../src/lib/shared';
import { API } from '../../src/lib/shared/api-contract';
import { currentSession, type AuthContext } from '../auth/routes/context';
import { httpErrorOf, orThrow } from '../http/failure-status';
import type { Router } from '../http/router';
import { previewMemberChange, type ChangePreviewDeps } from './preview';

export function registerChangePreviewRoutes(
	router: Router,
	auth: AuthContext,
	deps: ChangePreviewDeps
): void {
	router.add(API.previewAccessChange, async (request) => {
		const signedIn = currentSession(auth, request, { allowEmbedded: true });
		if (!signedIn) throw httpErrorOf(fail('unauthenticated', 'Sign in to continue.'));
		const projectId = request.params.id;
		const embedded = signedIn.session.embedded;
		if (embedded && embedded.projectId !== projectId)
			throw httpErrorOf(fail('project-not-found', 'There is no such project.'));
		const { next } = await request.json();
		const { preview } = orThrow(
			previewMemberChange(deps, {
				projectId,
				actorId: signedIn.account.id,
				accountId: request.params.accountId,
				next
			})
		);
		return { body: preview };
	});
}
