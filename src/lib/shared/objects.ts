/**
 * The governed objects of the permission matrix: what lives in a data view's document (and, for
 * a Consumer's "for self only" items, in their private document). Each is a flat JSON value that
 * carries who created it and who changed it last; the server checks both against the author.
 */
import { z } from 'zod';
import { CadenceSchema } from './membership';
import { DescriptionSchema, EmailSchema, IdSchema, NameSchema, TimestampSchema } from './ids';

const Stamped = z.strictObject({
	id: IdSchema,
	createdBy: IdSchema,
	createdAt: TimestampSchema,
	updatedBy: IdSchema,
	updatedAt: TimestampSchema
});

const ShortText = z.string().trim().min(1, 'Required').max(200, 'At most 200 characters');
const Expression = z.string().trim().min(1, 'Required').max(4000, 'At most 4000 characters');
const PropertyValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

export const UserProfileSchema = Stamped.extend({
	distinctId: ShortText,
	name: z.string().max(120),
	email: z.union([EmailSchema, z.literal('')]),
	properties: z
		.record(z.string().max(100), PropertyValue)
		.refine((value) => Object.keys(value).length <= 200, {
			message: 'At most 200 properties'
		})
});
export type UserProfile = z.infer<typeof UserProfileSchema>;

export const ReportSchema = z.strictObject({
	id: IdSchema,
	title: ShortText,
	kind: z.enum(['insights', 'funnels', 'flows', 'retention']),
	query: z.string().max(4000)
});

export const BoardSchema = Stamped.extend({
	name: NameSchema,
	description: DescriptionSchema,
	reports: z.array(ReportSchema).max(100)
});
export type Board = z.infer<typeof BoardSchema>;

export const BoardSubscriptionSchema = Stamped.extend({
	boardId: IdSchema,
	cadence: CadenceSchema,
	recipients: z.array(EmailSchema).min(1, 'Add at least one recipient').max(50),
	paused: z.boolean()
});
export type BoardSubscription = z.infer<typeof BoardSubscriptionSchema>;

export const CustomEventSchema = Stamped.extend({
	name: NameSchema,
	description: DescriptionSchema,
	/** The events this custom event combines. */
	events: z.array(ShortText).min(1, 'Combine at least one event').max(50)
});
export type CustomEvent = z.infer<typeof CustomEventSchema>;

export const SavedBehaviorSchema = Stamped.extend({
	name: NameSchema,
	description: DescriptionSchema,
	definition: Expression
});
export type SavedBehavior = z.infer<typeof SavedBehaviorSchema>;

export const SavedFormulaSchema = Stamped.extend({
	name: NameSchema,
	description: DescriptionSchema,
	formula: Expression
});
export type SavedFormula = z.infer<typeof SavedFormulaSchema>;

export const CustomPropertySchema = Stamped.extend({
	name: NameSchema,
	description: DescriptionSchema,
	resource: z.enum(['event', 'user']),
	formula: Expression
});
export type CustomProperty = z.infer<typeof CustomPropertySchema>;

/** A property borrowed from another event onto this one. */
export const BorrowedPropertySchema = Stamped.extend({
	name: NameSchema,
	description: DescriptionSchema,
	sourceEvent: ShortText,
	sourceProperty: ShortText,
	targetEvent: ShortText
});
export type BorrowedProperty = z.infer<typeof BorrowedPropertySchema>;

/**
 * A Lexicon entry describes one event or property of the data. The Lexicon's rows of the matrix
 * are edits of distinct fields: `lookupTableId` (map to a lookup table), `hidden` (hide data),
 * `description`, `tags`, `mergedInto` (merge data). Removing an entry is dropping the data.
 */
export const LexiconEntrySchema = Stamped.extend({
	kind: z.enum(['event', 'property']),
	name: ShortText,
	description: DescriptionSchema,
	hidden: z.boolean(),
	tags: z.array(z.string().trim().min(1).max(50)).max(30),
	lookupTableId: IdSchema.nullable(),
	mergedInto: IdSchema.nullable()
});
export type LexiconEntry = z.infer<typeof LexiconEntrySchema>;

export const LOOKUP_TABLE_LIMITS = { rows: 20_000, columns: 50, cellChars: 500 } as const;

export const LookupTableSchema = Stamped.extend({
	name: NameSchema,
	columns: z.array(ShortText).min(1).max(LOOKUP_TABLE_LIMITS.columns),
	rows: z
		.array(z.array(z.string().max(LOOKUP_TABLE_LIMITS.cellChars)).max(LOOKUP_TABLE_LIMITS.columns))
		.max(LOOKUP_TABLE_LIMITS.rows)
});
export type LookupTable = z.infer<typeof LookupTableSchema>;
