/**
 * Projects and their data views. In network-zone management a consortium has one project with a
 * data view per Institution Zone plus a global view for the Network Zone; in institution-zone
 * management each Institution Zone has a private project with a single data view of its own.
 */
import { z } from 'zod';
import { ManagementModeSchema } from './consortium';
import { DescriptionSchema, IdSchema, NameSchema } from './ids';

export const ProjectInfoSchema = z.strictObject({
	id: IdSchema,
	name: NameSchema,
	description: DescriptionSchema.default(''),
	consortiumId: IdSchema,
	consortiumName: NameSchema,
	mode: ManagementModeSchema,
	/** The zone that runs the project: the Network Zone, or the Institution Zone that owns it. */
	ownerZoneId: IdSchema
});
export type ProjectInfo = z.infer<typeof ProjectInfoSchema>;

export const DATA_VIEW_KINDS = ['global', 'institution'] as const;

export const DataViewSchema = z.strictObject({
	id: IdSchema,
	name: NameSchema,
	kind: z.enum(DATA_VIEW_KINDS),
	/** The zone whose data the view shows; the Network Zone for the global view. */
	zoneId: IdSchema
});
export type DataView = z.infer<typeof DataViewSchema>;

/** Which data views a member may open: all of them, or a list. */
export const ScopeSchema = z.union([
	z.literal('all'),
	z.array(IdSchema).min(1, 'A member sees at least one data view').max(500)
]);
export type Scope = z.infer<typeof ScopeSchema>;

export function scopeIncludes(scope: Scope, viewId: string): boolean {
	return scope === 'all' || scope.includes(viewId);
}

export function sameScope(a: Scope, b: Scope): boolean {
	if (a === 'all' || b === 'all') return a === b;
	return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}
