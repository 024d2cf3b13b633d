/**
 * What zod says about a value that does not fit, as people read it: one formatter for the API's
 * field errors, the forms, the policy's denials, the configuration and the admin command. An
 * issue is named by the dotted path of the field it is about (`origins.0`); an issue about the
 * value as a whole has the empty path.
 */
import type { z } from 'zod';

export interface IssueLine {
	/** The field's dotted path; empty for the value as a whole. */
	path: string;
	message: string;
}

/** Each issue with the path of its field, in zod's order (the first is the first thing wrong). */
export function issueLines(error: z.ZodError): IssueLine[] {
	return error.issues.map((issue) => ({
		path: issue.path.map(String).join('.'),
		message: issue.message
	}));
}

/**
 * The first thing wrong, for a field or a sentence that shows one complaint. zod reports no
 * failure without an issue; the fallback only satisfies the type.
 */
export function firstIssue(error: z.ZodError): IssueLine {
	return issueLines(error)[0] ?? { path: '', message: 'Not valid' };
}

/** Messages per field, for a form to show beside each; the value's own under `whole`. */
export function issuesByField(error: z.ZodError, whole = '_'): Record<string, string[]> {
	const fields: Record<string, string[]> = {};
	for (const { path, message } of issueLines(error)) (fields[path || whole] ??= []).push(message);
	return fields;
}

/** Every issue on one line, for a log or a command line: `PORT: Too small; HOST: Required`. */
export function formatIssues(error: z.ZodError): string {
	return issueLines(error)
		.map(({ path, message }) => (path ? `${path}: ${message}` : message))
		.join('; ');
}
