/**
 * The Yjs documents: their names and the maps at their roots. A document is the unit of sync and
 * of read access, so documents are cut along who may read them (see docs/sync.md). Every root is
 * a Y.Map of plain JSON entries, each validated by the schema named here. Those schemas are strict,
 * nested objects included: a field they do not name is refused, not dropped, so that what is
 * stored is exactly what was judged (`readEntry` in entries.ts).
 */
import { z } from 'zod';
import { ZoneSchema } from './consortium';
import { HandoverRequestSchema } from './handovers';
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

/**
 * A document's name with its kind in its type: `project/p1` is a `DocumentPath<'project'>`, so
 * that code handed the name knows which roots the document has (see `KindOf`).
 */
export type DocumentPath<K extends DocumentKind = DocumentKind> = `${K}/${string}`;

/** The kind a document name's type says it has; every kind for a name only known as a string. */
export type KindOf<N extends string> = N extends `${infer K extends DocumentKind}/${string}`
	? K
	: DocumentKind;

export function projectDocument(projectId: string): DocumentPath<'project'> {
	return `project/${projectId}`;
}

export function viewDocument(projectId: string, viewId: string): DocumentPath<'view'> {
	return `view/${projectId}/${viewId}`;
}

/** One account's personal document within a data view. */
export function privateDocument(
	projectId: string,
	viewId: string,
	accountId: string
): DocumentPath<'private'> {
	return `private/${projectId}/${viewId}/${accountId}`;
}

export function userDocument(accountId: string): DocumentPath<'user'> {
	return `user/${accountId}`;
}

export function formatDocumentName(name: DocumentName): DocumentPath {
	switch (name.kind) {
		case 'project':
			return projectDocument(name.projectId);
		case 'view':
			return viewDocument(name.projectId, name.viewId);
		case 'private':
			return privateDocument(name.projectId, name.viewId, name.accountId);
		case 'user':
			return userDocument(name.accountId);
	}
}

/**
 * One root map: the schema of its entries and the field that must equal the entry's key.
 * `writers: 'server'` roots are refused from every client.
 */
export interface RootSpec<S extends z.ZodType = z.ZodType> {
	schema: S;
	/** The entry field that must equal its key; null where keys are fixed names. */
	keyField: string | null;
	writers: 'server' | 'policy';
}

const serverRoot = <S extends z.ZodType>(schema: S, keyField: string | null): RootSpec<S> => ({
	schema,
	keyField,
	writers: 'server'
});
const policyRoot = <S extends z.ZodType>(schema: S, keyField = 'id'): RootSpec<S> => ({
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
		requests: policyRoot(AccessRequestSchema),
		handovers: policyRoot(HandoverRequestSchema)
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

type Roots = typeof DOCUMENT_ROOTS;

/** The names of a kind's roots (of every kind's, for the union of kinds). */
export type RootName<K extends DocumentKind> = K extends DocumentKind
	? keyof Roots[K] & string
	: never;

/** What one root holds: its entries are read and written in its schema's output form. */
export type RootEntry<K extends DocumentKind, R extends string> = K extends DocumentKind
	? R extends keyof Roots[K]
		? Roots[K][R] extends RootSpec<infer S>
			? z.output<S>
			: never
		: never
	: never;

export function rootSpec(kind: DocumentKind, root: string): RootSpec | undefined {
	if (!Object.hasOwn(DOCUMENT_ROOTS, kind)) return undefined;
	const roots: Record<string, RootSpec> = DOCUMENT_ROOTS[kind];
	return Object.hasOwn(roots, root) ? roots[root] : undefined;
}

/** The project document's `settings` map holds the project record under this key. */
export const PROJECT_SETTINGS_KEY = 'project';
