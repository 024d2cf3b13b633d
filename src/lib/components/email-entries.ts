/**
 * Reading the addresses people type or paste into the Invite Users "user bar": separated by commas,
 * semicolons, spaces or new lines, and also in the "Name <address>" form mail programs copy.
 */
import { EmailSchema, firstIssue } from '$lib/shared';

export interface EmailEntry {
	/** The address as normalized by EmailSchema (trimmed, lower-cased) or, when invalid, as typed. */
	address: string;
	/** Why the address cannot be used, or null. */
	error: string | null;
}

const SEPARATORS = /[\s,;]+/;
const NAMED_ADDRESS = /[^<>,;\n]*<([^<>]*)>/g;

export function splitAddresses(text: string): string[] {
	return text
		.replace(NAMED_ADDRESS, ' $1 ')
		.split(SEPARATORS)
		.filter((part) => part.length > 0);
}

export function readEmailEntry(raw: string): EmailEntry {
	const parsed = EmailSchema.safeParse(raw);
	return parsed.success
		? { address: parsed.data, error: null }
		: { address: raw.trim(), error: firstIssue(parsed.error).message };
}

/** The entries with the new addresses appended, skipping any already there (case-insensitively). */
export function addAddresses(
	entries: readonly EmailEntry[],
	raws: readonly string[]
): EmailEntry[] {
	const seen = new Set(entries.map((entry) => entry.address.toLowerCase()));
	const added: EmailEntry[] = [];
	for (const raw of raws) {
		const entry = readEmailEntry(raw);
		const key = entry.address.toLowerCase();
		if (seen.has(key)) continue;
		seen.add(key);
		added.push(entry);
	}
	return [...entries, ...added];
}
