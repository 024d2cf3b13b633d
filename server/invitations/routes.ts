/**
 * Accepting an invitation from its emailed link (docs/api.md). The link opens the SPA's /invite
 * page with the token in the URL fragment; `preview` shows the invitation without consuming
 * anything (mail scanners that follow links consume nothing), `accept` consumes the token, creates
 * the account on the way when the address has none (Get Started: a name, a password if wanted),
 * adds the membership, signs the person in, and sends new accounts their Get Started link.
 */
import { z } from 'zod';
import {
	endsAtOf,
	formatEndDate,
	hasEnded,
	isOpenInvitation,
	projectDocument,
	ROLE_LABELS,
	type Invite,
	type InvitePreview
} from '../../src/lib/shared';
import { createAccount, findAccountByEmail, setAccountPassword } from '../auth/accounts';
import { issueSignInLink } from '../auth/link-mail';
import { hashPassword } from '../auth/passwords';
import {
	enforceLimit,
	refuseWhereProviderRequired,
	refuseBlockedSignIn,
	signInResponse,
	type AuthContext
} from '../auth/routes/context';
import { consumeToken, peekToken, tokenFailure, type TokenCheck } from '../auth/tokens';
import { performNow } from '../db/work';
import { fail } from '../../src/lib/shared/outcome';
import { httpErrorOf } from '../http/failure-status';
import type { Router } from '../http/router';
import type { DocumentRegistry } from '../sync/registry';
import { admitInvitee, findInvite } from './admission';
import { API } from '../../src/lib/shared/api-contract';

const InviteTokenData = z.object({ projectId: z.string() });

interface OpenInvitation {
	invite: Invite;
	projectId: string;
	projectName: string;
	inviterName: string;
}

export function registerInvitationRoutes(
	router: Router,
	context: AuthContext,
	registry: DocumentRegistry
): void {
	const { db, limiters } = context;

	const requiredProviderOf = (email: string) => {
		const required = context.providerRequiredFor?.(email) ?? null;
		return required ? { zoneName: required.zoneName } : null;
	};

	/**
	 * The invitation a valid token names, still open; an error a person understands otherwise.
	 * The caller holds the project document loaded.
	 */
	function openInvitation(check: TokenCheck): OpenInvitation {
		if (!check.ok && !check.retired) throw httpErrorOf(tokenFailure(check.code));
		const about = check.ok ? check : check.retired!;
		const data = InviteTokenData.safeParse(about.data);
		const invite =
			data.success && about.subject
				? findInvite(registry, data.data.projectId, about.subject)
				: null;
		if (!data.success || !invite) {
			throw httpErrorOf(
				fail(
					'invite-revoked',
					'This invitation was withdrawn. Ask the person who invited you for a new one.'
				)
			);
		}
		if (!isOpenInvitation(invite)) {
			throw httpErrorOf(
				fail(
					'invite-accepted',
					'This invitation was already accepted. Sign in to open the project.'
				)
			);
		}
		// A resent invitation: its older links say so, whoever asks, and name nothing else.
		if (!check.ok) {
			throw httpErrorOf(
				fail(
					'invite-superseded',
					'A newer invitation replaced this one: open the Accept Invite link in the newest invitation email.'
				)
			);
		}
		const endsAt = endsAtOf(invite);
		if (endsAt !== null && hasEnded(endsAt, context.settings.now())) {
			throw httpErrorOf(
				fail(
					'access-ended',
					`The access this invitation offered ended on ${formatEndDate(endsAt)}. Ask the person who invited you for a new invitation if you still need it.`
				)
			);
		}
		const facts = registry.get(projectDocument(data.data.projectId))?.index;
		return {
			invite,
			projectId: data.data.projectId,
			projectName: facts?.project.name ?? 'the project',
			inviterName: facts?.member(invite.invitedBy)?.name || 'A Project Admin'
		};
	}

	router.add(API.previewInvite, async (request) => {
		enforceLimit(limiters.secretPerIp, request.ip);
		const { token } = await request.json();
		const check = performNow(context.db, peekToken(context.settings, token, 'invite'));
		const open =
			registry.read(projectDocument(projectOf(check)), () => openInvitation(check)) ??
			openInvitation(check);
		const preview: InvitePreview = {
			email: open.invite.email,
			projectName: open.projectName,
			roleLabel: ROLE_LABELS[open.invite.role],
			inviterName: open.inviterName,
			accountExists: findAccountByEmail(db, open.invite.email) !== null,
			expiresAt: check.ok ? check.expiresAt : 0,
			endsAt: endsAtOf(open.invite),
			requiredProvider: requiredProviderOf(open.invite.email)
		};
		return { body: preview };
	});

	router.add(API.acceptInvite, async (request) => {
		enforceLimit(limiters.secretPerIp, request.ip);
		const { token, name, password } = await request.json();
		// Everything that can be refused is checked before the token is used up.
		const peeked = performNow(context.db, peekToken(context.settings, token, 'invite'));
		const projectId = projectOf(peeked);
		const held = registry.acquire(projectDocument(projectId));
		try {
			const open = openInvitation(peeked);
			// The zone's provider decides who its people are: the invitation is accepted by signing
			// in there (server/identity/admission.ts), not with the link alone.
			refuseWhereProviderRequired(context, open.invite.email);
			const existing = findAccountByEmail(db, open.invite.email);
			// Before the link is used: an invitation does not let in someone who may not sign in.
			if (existing) refuseBlockedSignIn(context, existing);
			if (!existing && !name) {
				throw httpErrorOf(
					fail('invalid-input', 'Tell us your name to get started.', {
						fields: { name: ['Enter your name'] }
					})
				);
			}
			const passwordHash =
				!existing && password ? await hashPassword(password, context.settings.passwordCost) : null;
			const consumed = performNow(context.db, consumeToken(context.settings, token, 'invite'));
			if (!consumed.ok) throw httpErrorOf(consumed);
			let account = existing;
			if (!account) {
				const created = createAccount(context, { email: open.invite.email, name: name! });
				account = created.ok ? created.account : findAccountByEmail(db, open.invite.email)!;
				if (passwordHash) setAccountPassword(context, account.id, passwordHash);
			}
			admitInvitee(registry, open.projectId, open.invite, account, context.settings.now());
			if (!existing)
				issueSignInLink(context, context.mailer, context.site, account.email, 'get-started');
			const response = signInResponse(context, request, findAccountByEmail(db, account.email)!);
			return { ...response, body: { ...(response.body as object), projectId: open.projectId } };
		} finally {
			if (held) registry.release(held);
		}
	});
}

function projectOf(check: TokenCheck): string {
	const about = check.ok ? check : check.retired;
	const data = about ? InviteTokenData.safeParse(about.data) : null;
	return data?.success ? data.data.projectId : 'none';
}
