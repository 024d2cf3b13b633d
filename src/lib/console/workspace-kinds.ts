/**
 * The governed objects of a data view, described once for the workspace's generic list and form:
 * their words, the fields a person edits (and how each maps to the entry), and what a list shows.
 * Shapes are checked by the shared zod schemas when written; the words follow the seed.
 */
import { DOCUMENT_ROOTS, firstIssue, newId, type ViewRoot } from '../shared';
import type { StampedEntry } from '../state/view.svelte';

export type FieldKind =
	'text' | 'textarea' | 'list' | 'select' | 'boolean' | 'properties' | 'reports';

export interface FieldSpec {
	key: string;
	label: string;
	kind: FieldKind;
	hint?: string;
	/** For selects: the choices. */
	options?: ReadonlyArray<{ value: string; label: string }>;
	required?: boolean;
}

export interface ObjectKind {
	root: ViewRoot;
	title: string;
	singular: string;
	/** What the seed's row calls creating one, for buttons: "Create custom event". */
	createLabel: string;
	description: string;
	fields: FieldSpec[];
	/** A line under the name in the list. */
	summary: (entry: StampedEntry) => string;
}

const NAME: FieldSpec = { key: 'name', label: 'Name', kind: 'text', required: true };
const DESCRIPTION: FieldSpec = { key: 'description', label: 'Description', kind: 'textarea' };

export const WORKSPACE_KINDS: ObjectKind[] = [
	{
		root: 'boards',
		title: 'Boards',
		singular: 'board',
		createLabel: 'Create board',
		description: 'Boards gather reports. Everyone in the data view can create and view them.',
		fields: [
			NAME,
			DESCRIPTION,
			{ key: 'reports', label: 'Reports (one title per line)', kind: 'reports' }
		],
		summary: (entry) => {
			const count = (entry.reports as unknown[]).length;
			return `${count} ${count === 1 ? 'report' : 'reports'}`;
		}
	},
	{
		root: 'customEvents',
		title: 'Custom Events',
		singular: 'custom event',
		createLabel: 'Create custom event',
		description: 'One event made of several.',
		fields: [
			NAME,
			DESCRIPTION,
			{ key: 'events', label: 'Events it combines', kind: 'list', required: true }
		],
		summary: (entry) => (entry.events as string[]).join(', ')
	},
	{
		root: 'savedBehaviors',
		title: 'Saved Behaviors',
		singular: 'saved behavior',
		createLabel: 'Create saved behavior',
		description: 'A sequence of actions, saved to reuse in reports.',
		fields: [
			NAME,
			DESCRIPTION,
			{ key: 'definition', label: 'Definition', kind: 'textarea', required: true }
		],
		summary: (entry) => String(entry.definition)
	},
	{
		root: 'savedFormulas',
		title: 'Saved Formulas',
		singular: 'saved formula',
		createLabel: 'Create saved formula',
		description: 'A formula over report results, saved to reuse.',
		fields: [
			NAME,
			DESCRIPTION,
			{ key: 'formula', label: 'Formula', kind: 'textarea', required: true }
		],
		summary: (entry) => String(entry.formula)
	},
	{
		root: 'customProperties',
		title: 'Custom Properties',
		singular: 'custom property',
		createLabel: 'Create custom property',
		description: 'A property computed from others.',
		fields: [
			NAME,
			DESCRIPTION,
			{
				key: 'resource',
				label: 'Applies to',
				kind: 'select',
				options: [
					{ value: 'event', label: 'Events' },
					{ value: 'user', label: 'User profiles' }
				]
			},
			{ key: 'formula', label: 'Formula', kind: 'textarea', required: true }
		],
		summary: (entry) => String(entry.formula)
	},
	{
		root: 'borrowedProperties',
		title: 'Borrowed Properties',
		singular: 'borrowed property',
		createLabel: 'Create borrowed property',
		description: 'A property of one event, lent to another.',
		fields: [
			NAME,
			DESCRIPTION,
			{ key: 'sourceEvent', label: 'From event', kind: 'text', required: true },
			{ key: 'sourceProperty', label: 'Property', kind: 'text', required: true },
			{ key: 'targetEvent', label: 'To event', kind: 'text', required: true }
		],
		summary: (entry) =>
			`${entry.sourceEvent as string}.${entry.sourceProperty as string} → ${entry.targetEvent as string}`
	},
	{
		root: 'userProfiles',
		title: 'User Profiles',
		singular: 'user profile',
		createLabel: 'Create user profile',
		description: 'The people the data is about, with their properties.',
		fields: [
			{ key: 'distinctId', label: 'Distinct id', kind: 'text', required: true },
			{ key: 'name', label: 'Name', kind: 'text' },
			{ key: 'email', label: 'Email', kind: 'text' },
			{ key: 'properties', label: 'Properties (one "key = value" per line)', kind: 'properties' }
		],
		summary: (entry) =>
			`${entry.distinctId as string}${entry.email ? ` · ${entry.email as string}` : ''}`
	}
];

export function kindOf(root: string): ObjectKind | undefined {
	return WORKSPACE_KINDS.find((kind) => kind.root === root);
}

export type FormValues = Record<string, string | boolean>;

/** The form's values for an entry (or a new one). */
export function formValues(kind: ObjectKind, entry?: StampedEntry): FormValues {
	const values: FormValues = {};
	for (const field of kind.fields) {
		const value = entry?.[field.key];
		switch (field.kind) {
			case 'list':
				values[field.key] = ((value as string[] | undefined) ?? []).join('\n');
				break;
			case 'reports':
				values[field.key] = ((value as Array<{ title: string }> | undefined) ?? [])
					.map((report) => report.title)
					.join('\n');
				break;
			case 'properties':
				values[field.key] = Object.entries((value as Record<string, unknown> | undefined) ?? {})
					.map(([key, item]) => `${key} = ${String(item)}`)
					.join('\n');
				break;
			case 'boolean':
				values[field.key] = Boolean(value);
				break;
			default:
				values[field.key] = (value as string | undefined) ?? field.options?.[0]?.value ?? '';
		}
	}
	return values;
}

const lines = (text: string) =>
	text
		.split(/[\n,;]/)
		.map((line) => line.trim())
		.filter(Boolean);

/** The entry's fields from the form's values; the schema checks them when written. */
export function entryFields(
	kind: ObjectKind,
	values: FormValues,
	previous?: StampedEntry
): Record<string, unknown> {
	const fields: Record<string, unknown> = {};
	for (const field of kind.fields) {
		const value = values[field.key];
		switch (field.kind) {
			case 'list':
				fields[field.key] = lines(String(value));
				break;
			case 'reports': {
				const before =
					(previous?.reports as
						Array<{ id: string; title: string; kind: string; query: string }> | undefined) ?? [];
				fields[field.key] = lines(String(value).replace(/[,;]/g, ' ')).map(
					(title) =>
						before.find((report) => report.title === title) ?? {
							id: newId(),
							title,
							kind: 'insights',
							query: ''
						}
				);
				break;
			}
			case 'properties':
				fields[field.key] = Object.fromEntries(
					String(value)
						.split('\n')
						.map((line) => line.split('='))
						.filter((parts) => parts.length >= 2 && parts[0]!.trim())
						.map(([key, ...rest]) => [key!.trim(), rest.join('=').trim()])
				);
				break;
			case 'boolean':
				fields[field.key] = Boolean(value);
				break;
			default:
				fields[field.key] = String(value).trim();
		}
	}
	return fields;
}

/** The schema's first complaint about an entry, with the field's label; null when it fits. */
export function problemWith(kind: ObjectKind, entry: unknown): string | null {
	const parsed = DOCUMENT_ROOTS.view[kind.root].schema.safeParse(entry);
	if (parsed.success) return null;
	const issue = firstIssue(parsed.error);
	const field = kind.fields.find((candidate) => candidate.key === issue.path.split('.')[0]);
	return field ? `${field.label}: ${issue.message}` : issue.message;
}
