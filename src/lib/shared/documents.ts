/**
 * The Yjs documents: their names and the maps at their roots. A document is the unit of sync and
 * of read access, so documents are cut along who may read them (see docs/sync.md). Every root is
 * a Y.Map of plain JSON entries, each validated by the schema named here. Those schemas are strict,
 * nested objects included: a field they do not name is refused, not dropped, so that what is
 * stored is exactly what was judged (`readEntry` in entries.ts).
 */
import { z } from 'zod';
import { ZoneSchema } from './consortium';
import { IdSchema } from './ids';
import {
	AccessRequestSchema,
	InviteSchema,
	MemberSchema,
	NoticeSchema,
	OwnRequestSchema,
	ProjectListingSchema
} from './membership';
import {
	BoardSchema,
	BoardSubscriptionSchema,
	BorrowedPropertySchema,
	CustomEventSchema,
	CustomPropertySchema,
	LexiconEntrySchema,
	LookupTableSchema,
	SavedBehaviorSchema,
	SavedFormulaSchema,
	UserProfileSchema
} from './objects';
import { DataViewSchema, ProjectInfoSchema } from './project';

export type DocumentName =
	| { kind: 'project'; projectId: string }
	| { kind: 'view'; projectId: string; viewId: string }
	| { kind: 'private'; projectId: string; viewId: string; accountId: string }
	| { kind: 'user'; accountId: string };
export type DocumentKind = DocumentName['kind'];

const SEGMENTS: Record<DocumentKind, number> = { project: 1, view: 2, private: 3, user: 1 };

/** Reads `project/p1`, `view/p1/v1`, `private/p1/v1/a1` or `user/a1`; null for anything else. */
export function parseDocumentName(name: string): DocumentName | null {
	const [kind, ...ids] = name.split('/');
	if (!kind || !(kind in SEGMENTS)) return null;
	if (ids.length !== SEGMENTS[kind as DocumentKind]) return null;
	if (!ids.every((id) => IdSchema.safeParse(id).success)) return null;
	switch (kind as DocumentKind) {
		case 'project':
			return { kind: 'project', projectId: ids[0]! };
		case 'view':
			return { kind: 'view', projectId: ids[0]!, viewId: ids[1]! };
		case 'private':
			return { kind: 'private', projectId: ids[0]!, viewId: ids[1]!, accountId: ids[2]! };
		case 'user':
			return { kind: 'user', accountId: ids[0]! };
	}
}

export function formatDocumentName(name: DocumentName): string {
	switch (name.kind) {
		case 'project':
			return `project/${name.projectId}`;
		case 'view':
			return `view/${name.projectId}/${name.viewId}`;
		case 'private':
			return `private/${name.projectId}/${name.viewId}/${name.accountId}`;
		case 'user':
			return `user/${name.accountId}`;
	}
}

/**
 * One root map: the schema of its entries and the field that must equal the entry's key.
 * `writers: 'server'` roots are refused from every client.
 */
export interface RootSpec {
	schema: z.ZodType;
	/** The entry field that must equal its key; null where keys are fixed names. */
	keyField: string | null;
	writers: 'server' | 'policy';
}

const serverRoot = (schema: z.ZodType, keyField: string | null): RootSpec => ({
	schema,
	keyField,
	writers: 'server'
});
const policyRoot = (schema: z.ZodType, keyField = 'id'): RootSpec => ({
	schema,
	keyField,
	writers: 'policy'
});

/** Items a Consumer may keep "for self only", in their private document. */
export const PERSONAL_ROOTS = {
	customEvents: policyRoot(CustomEventSchema),
	savedBehaviors: policyRoot(SavedBehaviorSchema),
	savedFormulas: policyRoot(SavedFormulaSchema),
	customProperties: policyRoot(CustomPropertySchema)
} as const;

export const DOCUMENT_ROOTS = {
	project: {
		settings: serverRoot(ProjectInfoSchema, null),
		zones: serverRoot(ZoneSchema, 'id'),
		views: serverRoot(DataViewSchema, 'id'),
		members: policyRoot(MemberSchema, 'accountId'),
		invites: policyRoot(InviteSchema),
		requests: policyRoot(AccessRequestSchema)
	},
	view: {
		userProfiles: policyRoot(UserProfileSchema),
		boards: policyRoot(BoardSchema),
		subscriptions: policyRoot(BoardSubscriptionSchema),
		...PERSONAL_ROOTS,
		borrowedProperties: policyRoot(BorrowedPropertySchema),
		lexicon: policyRoot(LexiconEntrySchema),
		lookupTables: policyRoot(LookupTableSchema)
	},
	private: PERSONAL_ROOTS,
	user: {
		projects: serverRoot(ProjectListingSchema, 'projectId'),
		notices: serverRoot(NoticeSchema, 'id'),
		requests: serverRoot(OwnRequestSchema, 'id')
	}
} as const satisfies Record<DocumentKind, Record<string, RootSpec>>;

export type ProjectRoot = keyof typeof DOCUMENT_ROOTS.project;
export type ViewRoot = keyof typeof DOCUMENT_ROOTS.view;
export type PersonalRoot = keyof typeof PERSONAL_ROOTS;

export function rootSpec(kind: DocumentKind, root: string): RootSpec | undefined {
	if (!Object.hasOwn(DOCUMENT_ROOTS, kind)) return undefined;
	const roots: Record<string, RootSpec> = DOCUMENT_ROOTS[kind];
	return Object.hasOwn(roots, root) ? roots[root] : undefined;
}

/** The project document's `settings` map holds the project record under this key. */
export const PROJECT_SETTINGS_KEY = 'project';
