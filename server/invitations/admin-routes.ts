/**
 * The Project Admins' invitation routes (docs/api.md): inviting the people of a CSV file (a
 * preview, then the apply) and copying an invitation's link by hand. Both answer only a console
 * session: an embedded session is a portal's word for a person inside one project, which must not
 * mint links or invite a whole file.
 */
import {
	BULK_INVITE_LIMITS,
	readBulkInviteCsv,
	type BulkInviteApplied,
	type BulkInvitePreview
} from '../../src/lib/shared';
import { API } from '../../src/lib/shared/api-contract';
import { enforceLimit, requireSignedIn, type AuthContext } from '../auth/routes/context';
import { readCsvBody } from '../http/csv-upload';
import { orThrow } from '../http/failure-status';
import type { ApiRequest, Router } from '../http/router';
import type { DocumentRegistry } from '../sync/registry';
import type { SiteUrl } from '../mail/templates';
import { checkProjectAdmin, withProject } from '../consortium/project-access';
import { applyBulkInvite, previewBulkInvite, type ReadFile } from './bulk-invite';
import { copyInviteLink } from './invite-link';
import type { CountedSendings } from './sending';

export function registerInvitationAdminRoutes(
	router: Router,
	auth: AuthContext,
	deps: { registry: DocumentRegistry; site: SiteUrl; counted: CountedSendings }
): void {
	const { registry } = deps;
	const bulk = {
		db: auth.db,
		registry,
		now: auth.settings.now,
		limiters: auth.limiters,
		counted: deps.counted
	};

	/** The file, once the caller is known to be a Project Admin of the project. */
	async function readFile(
		request: ApiRequest,
		projectId: string,
		accountId: string
	): Promise<ReadFile> {
		orThrow(withProject(registry, projectId, ({ facts }) => checkProjectAdmin(facts, accountId)));
		const body = await readCsvBody(
			request,
			BULK_INVITE_LIMITS.bytes,
			(size) =>
				`The file is larger than ${size}, the most a file of people to invite may be; nothing was read.`
		);
		const { lines, positions } = orThrow(readBulkInviteCsv(body));
		return { lines, positions };
	}

	router.add(API.previewBulkInvite, async (request) => {
		const { account } = requireSignedIn(auth, request);
		const file = await readFile(request, request.params.id, account.id);
		const { preview } = orThrow(previewBulkInvite(bulk, request.params.id, account.id, file));
		const body: BulkInvitePreview = preview;
		return { body };
	});

	router.add(API.applyBulkInvite, async (request) => {
		const { account } = requireSignedIn(auth, request);
		const { fingerprint } = request.query();
		const file = await readFile(request, request.params.id, account.id);
		const { applied } = orThrow(
			applyBulkInvite(bulk, request.params.id, account.id, file, fingerprint)
		);
		const body: BulkInviteApplied = applied;
		return { status: 201, body };
	});

	router.add(API.copyInviteLink, (request) => {
		const { account } = requireSignedIn(auth, request);
		// A link is an invitation sent by other means: it counts as one against its inviter.
		enforceLimit(auth.limiters.invitesPerInviter, account.id);
		const { link } = orThrow(
			copyInviteLink(
				{ ...auth, registry, site: deps.site },
				request.params.id,
				request.params.inviteId,
				account.id
			)
		);
		return { status: 201, body: link };
	});
}
