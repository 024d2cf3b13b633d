/**
 * The shapes of the invitation API (docs/api.md): accepting an invitation from its emailed link,
 * and registering on the way (Get Started) when the address has no account yet.
 */
import { z } from 'zod';
import { PasswordSchema, LinkTokenSchema } from './auth';
import { EmailSchema, NameSchema, TimestampSchema } from './ids';

export const InvitePreviewRequestSchema = z.object({ token: LinkTokenSchema });

/** What the Accept Invite page shows before anything is consumed. */
export const InvitePreviewSchema = z.object({
	email: EmailSchema,
	projectName: z.string(),
	roleLabel: z.string(),
	inviterName: z.string(),
	/** False: the Get Started wizard asks for a name (and optionally a password) first. */
	accountExists: z.boolean(),
	expiresAt: TimestampSchema,
	/** When the membership it offers ends; null when it does not. */
	endsAt: TimestampSchema.nullable(),
	/**
	 * The zone whose identity provider the invitation is accepted through, when that zone requires
	 * its provider (docs/security.md); null: Accept Invite as usual.
	 */
	requiredProvider: z.object({ zoneName: z.string() }).nullable()
});
export type InvitePreview = z.infer<typeof InvitePreviewSchema>;

export const InviteAcceptRequestSchema = z.object({
	token: LinkTokenSchema,
	name: NameSchema.optional(),
	password: PasswordSchema.optional()
});
export type InviteAcceptRequest = z.infer<typeof InviteAcceptRequestSchema>;

/**
 * An invitation's Accept Invite link, taken by a Project Admin to hand over themselves: shown
 * once (only its hash is kept), single use, expiring as a mailed link does.
 */
export const InviteLinkSchema = z.object({
	url: z.string().url(),
	expiresAt: TimestampSchema
});
export type InviteLink = z.infer<typeof InviteLinkSchema>;
