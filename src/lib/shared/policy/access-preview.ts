/**
 * What a change to a member's access would give and take, said before it is made: the rows of the
 * permission matrix their role would reach more or less of, whether they would start or stop
 * managing the project's users, the data views they would start or stop reading, and the board
 * subscriptions whose digests would stop (or start again) reaching them.
 *
 * One pure function, `previewAccessChange`, used by the console's confirmations and by the
 * server's preview route, and built from the rules the server enforces after the change, so that
 * the preview cannot promise what the server does otherwise:
 * - the rows: `checkPermission`, the cell the server decides every write of the member with;
 * - the data views: `scopeIncludes`, as `readAccess` decides which documents the member may open
 *   (and so whose connections close when a change takes a view away);
 * - the subscriptions: `receivesDigest`, as the digest scheduler decides whom to mail.
 */
import { z } from 'zod';
import { CadenceSchema, type Cadence, type Member } from '../membership';
import { IdSchema } from '../ids';
import { ScopeSchema, scopeIncludes, type DataView } from '../project';
import { RoleSchema } from '../roles';
import { PERMISSION_MATRIX, checkPermission, type Cell, type MatrixTarget } from './matrix';
import { receivesDigest, type DigestStanding } from './subscription-recipients';

/** A member's role and data views: what they hold now, or would hold after the change. */
export const AccessHoldingSchema = z.object({ role: RoleSchema, scope: ScopeSchema });
export type AccessHolding = z.output<typeof AccessHoldingSchema>;

/** The change asked about: the member's new role and data views, or null for a removal. */
export const AccessChangeRequestSchema = z.strictObject({ next: AccessHoldingSchema.nullable() });
export type AccessChangeRequest = z.input<typeof AccessChangeRequestSchema>;

const CELLS = ['yes', 'no', 'creator', 'self'] as const satisfies readonly Cell[];

/** A row of the matrix whose cell changes for the member: the cell before and after. */
const RowChangeSchema = z.object({
	action: z.string(),
	label: z.string(),
	before: z.enum(CELLS),
	after: z.enum(CELLS)
});
export type RowChange = z.infer<typeof RowChangeSchema>;

const ViewNamedSchema = z.object({ id: IdSchema, name: z.string() });

/** A subscription whose digest would stop (or start again) reaching the member. */
const SubscriptionNamedSchema = z.object({
	id: IdSchema,
	viewId: IdSchema,
	viewName: z.string(),
	boardName: z.string(),
	cadence: CadenceSchema,
	paused: z.boolean()
});
export type SubscriptionNamed = z.infer<typeof SubscriptionNamedSchema>;

/** One side of a change: what the member would gain, or what they would lose. */
const AccessDeltaSchema = z.object({
	/** Starts or stops managing the project's users (Project Admins only: `admin-only`). */
	managesUsers: z.boolean(),
	rows: z.array(RowChangeSchema),
	views: z.array(ViewNamedSchema),
	/** Gains: digests that start reaching them again; losses: digests that stop. */
	subscriptions: z.array(SubscriptionNamedSchema)
});
export type AccessDelta = z.infer<typeof AccessDeltaSchema>;

export const AccessPreviewSchema = z.object({
	member: z.object({ accountId: IdSchema, name: z.string(), email: z.string() }),
	before: AccessHoldingSchema,
	/** Null: the member is removed (or leaves). */
	after: AccessHoldingSchema.nullable(),
	gains: AccessDeltaSchema,
	losses: AccessDeltaSchema,
	/**
	 * Whether the subscriptions were known where the preview was made. The console knows the
	 * project document, not every data view's subscriptions: it asks the server, and says so when
	 * it cannot (offline).
	 */
	subscriptionsKnown: z.boolean()
});
export type AccessPreview = z.infer<typeof AccessPreviewSchema>;

/** A board subscription of one of the project's data views, with its board's name. */
export interface SubscriptionOfView {
	id: string;
	viewId: string;
	boardName: string;
	cadence: Cadence;
	paused: boolean;
	recipients: readonly string[];
}

/** What the preview reads about the project besides the member. */
export interface AccessPlace {
	/** The project's data views, in the order they are shown. */
	views: Iterable<Pick<DataView, 'id' | 'name'>>;
	/**
	 * The subscriptions of the project's data views (those naming the member are enough), with
	 * boards that still exist; null when they are not known here.
	 */
	subscriptions: Iterable<SubscriptionOfView> | null;
	/** The project approved the member's request for a subscription (digests reach them anyway). */
	approvedSubscriber: boolean;
}

/**
 * The objects a row may be about, as the member sees them: someone else's shared one, their own
 * shared one, their own private one. A cell reaches some of them ("creator": their own; "self":
 * their private ones); a row is lost when one it reached is out of reach after the change.
 */
const ME = 'the-member';
const TARGETS: readonly MatrixTarget[] = [
	{ placement: 'shared', createdBy: 'someone-else' },
	{ placement: 'shared', createdBy: ME },
	{ placement: 'private', createdBy: ME }
];

function reach(holding: AccessHolding | null, action: string): boolean[] {
	return TARGETS.map(
		(target) =>
			holding !== null && checkPermission({ role: holding.role, action, actorId: ME, target }).ok
	);
}

const exceeds = (a: boolean[], b: boolean[]) => a.some((reached, index) => reached && !b[index]);

/** What the member would gain and lose if `next` (null: removal) replaced their access. */
export function previewAccessChange(
	place: AccessPlace,
	member: Member,
	next: AccessHolding | null
): AccessPreview {
	const before: AccessHolding = { role: member.role, scope: member.scope };
	const gains = emptyDelta();
	const losses = emptyDelta();

	const admin = (holding: AccessHolding | null) => holding?.role === 'admin';
	gains.managesUsers = !admin(before) && admin(next);
	losses.managesUsers = admin(before) && !admin(next);

	for (const row of PERMISSION_MATRIX) {
		const was = reach(before, row.action);
		const will = reach(next, row.action);
		const change: RowChange = {
			action: row.action,
			label: row.label,
			before: row.cells[before.role],
			after: next ? row.cells[next.role] : 'no'
		};
		if (exceeds(will, was)) gains.rows.push(change);
		if (exceeds(was, will)) losses.rows.push(change);
	}

	const views = [...place.views];
	const viewsChanged = viewChanges(views, before, next);
	gains.views = viewsChanged.gained;
	losses.views = viewsChanged.lost;

	const standing = (holding: AccessHolding | null): DigestStanding => ({
		scope: holding?.scope ?? null,
		approvedSubscriber: place.approvedSubscriber
	});
	const viewName = new Map(views.map((view) => [view.id, view.name]));
	const address = member.email.toLowerCase();
	for (const subscription of place.subscriptions ?? []) {
		if (!subscription.recipients.some((email) => email.toLowerCase() === address)) continue;
		const was = receivesDigest(standing(before), subscription.viewId);
		const will = receivesDigest(standing(next), subscription.viewId);
		if (was === will) continue;
		const named: SubscriptionNamed = {
			id: subscription.id,
			viewId: subscription.viewId,
			viewName: viewName.get(subscription.viewId) ?? 'a data view',
			boardName: subscription.boardName,
			cadence: subscription.cadence,
			paused: subscription.paused
		};
		(will ? gains : losses).subscriptions.push(named);
	}
	const byPlace = (a: SubscriptionNamed, b: SubscriptionNamed) =>
		a.viewName.localeCompare(b.viewName) ||
		a.boardName.localeCompare(b.boardName) ||
		a.id.localeCompare(b.id);
	gains.subscriptions.sort(byPlace);
	losses.subscriptions.sort(byPlace);

	return {
		member: { accountId: member.accountId, name: member.name, email: member.email },
		before,
		after: next,
		gains,
		losses,
		subscriptionsKnown: place.subscriptions !== null
	};
}

type ViewNamed = z.infer<typeof ViewNamedSchema>;

/**
 * The data views a member would start and stop reading, of `views`, in their order. Also what the
 * membership news tells a member who was moved out of some (membership-news.ts).
 */
export function viewChanges(
	views: Iterable<Pick<DataView, 'id' | 'name'>>,
	before: Pick<AccessHolding, 'scope'> | null,
	after: Pick<AccessHolding, 'scope'> | null
): { gained: ViewNamed[]; lost: ViewNamed[] } {
	const reads = (holding: Pick<AccessHolding, 'scope'> | null, viewId: string) =>
		holding !== null && scopeIncludes(holding.scope, viewId);
	const gained: ViewNamed[] = [];
	const lost: ViewNamed[] = [];
	for (const view of views) {
		const named = { id: view.id, name: view.name };
		if (!reads(before, view.id) && reads(after, view.id)) gained.push(named);
		if (reads(before, view.id) && !reads(after, view.id)) lost.push(named);
	}
	return { gained, lost };
}

function emptyDelta(): AccessDelta {
	return { managesUsers: false, rows: [], views: [], subscriptions: [] };
}

/** Whether the change gives or takes anything at all. */
export function changesAnything(preview: AccessPreview): boolean {
	return [preview.gains, preview.losses].some(
		(delta) =>
			delta.managesUsers ||
			delta.rows.length > 0 ||
			delta.views.length > 0 ||
			delta.subscriptions.length > 0
	);
}
