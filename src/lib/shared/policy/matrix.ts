/**
 * The seed's "Supported Permissions Per Role" table, as data: 18 rows x 3 roles. Each cell is
 * "yes", "no", "creator" (only the creator of the object, whatever the role) or "self" (only
 * items kept for oneself, in one's private document; never shared ones). docs/policy.md shows this
 * table and a test keeps the two equal.
 */
import { z } from 'zod';
import { ROLE_PLURALS, parseRole, type Role } from '../roles';
import { ALLOW, deny, type Decision } from './decision';
import { shown } from './values';

export type Cell = 'yes' | 'no' | 'creator' | 'self';

export interface MatrixRow {
	action: string;
	/** The row's words in the seed. */
	label: string;
	/** The verb phrase in messages: "Analysts cannot <verb>". */
	verb: string;
	/** What the row governs, for "only the creator of <noun>" and "<noun> for themselves". */
	noun: string;
	cells: Record<Role, Cell>;
}

const row = (
	action: string,
	label: string,
	verb: string,
	noun: string,
	admin: Cell,
	analyst: Cell,
	consumer: Cell
): MatrixRow => ({ action, label, verb, noun, cells: { admin, analyst, consumer } });

export const PERMISSION_MATRIX = [
	row(
		'userProfile.createEdit',
		'Create/Edit User Profiles',
		'create or edit user profiles',
		'user profiles',
		'yes',
		'yes',
		'no'
	),
	row(
		'userProfile.delete',
		'Delete User Profiles',
		'delete user profiles',
		'user profiles',
		'yes',
		'no',
		'no'
	),
	row(
		'board.createView',
		'Create and View Boards',
		'create or view boards',
		'boards',
		'yes',
		'yes',
		'yes'
	),
	row(
		'subscription.create',
		'Create Subscriptions for Boards',
		'create subscriptions for boards',
		'subscriptions',
		'yes',
		'yes',
		'no'
	),
	row(
		'subscription.edit',
		'Edit Subscriptions for Boards',
		'edit subscriptions for boards',
		'a subscription',
		'creator',
		'creator',
		'creator'
	),
	row(
		'customEvent.createEdit',
		'Create/Edit Custom Events',
		'create or edit custom events',
		'custom events',
		'yes',
		'yes',
		'self'
	),
	row(
		'savedBehavior.createEdit',
		'Create/Edit Saved Behaviors',
		'create or edit saved behaviors',
		'saved behaviors',
		'yes',
		'yes',
		'self'
	),
	row(
		'savedFormula.createEdit',
		'Create/Edit Saved Formulas',
		'create or edit saved formulas',
		'saved formulas',
		'yes',
		'yes',
		'self'
	),
	row(
		'customProperty.createEdit',
		'Create/Edit Custom Properties',
		'create or edit custom properties',
		'custom properties',
		'yes',
		'yes',
		'self'
	),
	row(
		'borrowedProperty.createEdit',
		'Create/Edit Borrowed Properties',
		'create or edit borrowed properties',
		'borrowed properties',
		'yes',
		'no',
		'no'
	),
	row(
		'lexicon.mapLookupTable',
		'Map Property to Lookup Table in Lexicon',
		'map a property to a lookup table in Lexicon',
		'Lexicon mappings',
		'yes',
		'no',
		'no'
	),
	row(
		'lexicon.hideData',
		'Hide Data in Lexicon',
		'hide data in Lexicon',
		'Lexicon entries',
		'yes',
		'no',
		'no'
	),
	row(
		'lexicon.editDescription',
		'Edit Descriptions in Lexicon',
		'edit descriptions in Lexicon',
		'Lexicon descriptions',
		'yes',
		'no',
		'no'
	),
	row(
		'lexicon.addTags',
		'Add Tags in Lexicon',
		'add tags in Lexicon',
		'Lexicon tags',
		'yes',
		'no',
		'no'
	),
	row(
		'lexicon.mergeData',
		'Merge Data in Lexicon',
		'merge data in Lexicon',
		'Lexicon entries',
		'no',
		'no',
		'no'
	),
	row(
		'lexicon.dropData',
		'Drop Data in Lexicon',
		'drop data in Lexicon',
		'Lexicon entries',
		'no',
		'no',
		'no'
	),
	row(
		'lexicon.downloadCsv',
		'Download CSV in Lexicon',
		'download the Lexicon as CSV',
		'Lexicon exports',
		'yes',
		'yes',
		'yes'
	),
	row(
		'lookupTable.upload',
		'Upload a Lookup Table',
		'upload lookup tables',
		'lookup tables',
		'yes',
		'yes',
		'yes'
	)
] as const satisfies readonly MatrixRow[];

export type MatrixAction = (typeof PERMISSION_MATRIX)[number]['action'];

const ROWS = new Map<string, MatrixRow>(PERMISSION_MATRIX.map((entry) => [entry.action, entry]));

export function matrixRow(action: MatrixAction): MatrixRow {
	return ROWS.get(action)!;
}

/** How the seed writes a cell. */
export const CELL_LABELS: Record<Cell, string> = {
	yes: 'Yes',
	no: 'No',
	creator: 'Only the creator.',
	self: 'For self only.'
};

/**
 * The object an action applies to, where the cell depends on it. `placement` is "private" for an
 * item in the actor's own private document and "shared" for one everybody in the view sees.
 */
export const MatrixTargetSchema = z.object({
	placement: z.enum(['shared', 'private']).default('shared'),
	createdBy: z.string().nullable().default(null)
});
export type MatrixTarget = z.input<typeof MatrixTargetSchema>;

export interface PermissionRequest {
	role: unknown;
	action: unknown;
	actorId?: string;
	target?: MatrixTarget;
}

/**
 * Decides one cell of the matrix. Unknown roles and actions, and malformed targets, are denied
 * with a reason: bad input never allows anything.
 */
export function checkPermission(request: PermissionRequest): Decision {
	const role = parseRole(request.role);
	if (role === null) return deny('unknown-role', `"${shown(request.role)}" is not a project role.`);
	const entry = typeof request.action === 'string' ? ROWS.get(request.action) : undefined;
	if (!entry)
		return deny(
			'unknown-action',
			`"${shown(request.action)}" is not an action of the permission matrix.`
		);
	const target = MatrixTargetSchema.safeParse(request.target ?? {});
	if (!target.success) return deny('invalid-entry', 'The object of the action is malformed.');
	return decideCell(entry, role, request.actorId ?? null, target.data);
}

function decideCell(
	entry: MatrixRow,
	role: Role,
	actorId: string | null,
	target: z.output<typeof MatrixTargetSchema>
): Decision {
	switch (entry.cells[role]) {
		case 'yes':
			return ALLOW;
		case 'no':
			return Object.values(entry.cells).every((cell) => cell === 'no')
				? deny('not-available', `No role can ${entry.verb}.`)
				: deny('role-not-permitted', `${ROLE_PLURALS[role]} cannot ${entry.verb}.`);
		case 'creator':
			return actorId !== null && target.createdBy === actorId
				? ALLOW
				: deny('creator-only', `Only the creator of ${entry.noun} can change it.`);
		case 'self':
			return target.placement === 'private'
				? ALLOW
				: deny(
						'self-only',
						`${ROLE_PLURALS[role]} can ${entry.verb.replace(/^create or edit/, 'create and edit')} for themselves only, not shared ones.`
					);
	}
}
