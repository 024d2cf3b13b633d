/**
 * The grammar every entry value must follow before the server lets an update touch a document:
 * canonical JSON. Yjs' own encoding carries more (BigInt, NaN and ±Infinity as floats, undefined,
 * binary, objects whose prototype was set through a `__proto__` key); none of it is JSON, none of
 * it comes from our client, and some of it breaks the code that reads entries (JSON.stringify
 * throws on a BigInt, NaN is not equal to itself). Refusing it at the door means nothing later
 * has to survive it.
 */

export interface ValueLimits {
	/**
	 * How deeply arrays and objects may nest inside one entry (the entry itself is level 1).
	 * @default 32
	 */
	maxDepth: number;
	/**
	 * The longest map key and object key, in UTF-16 code units. Ids are at most 64 characters.
	 * @default 200
	 */
	maxKeyLength: number;
	/**
	 * The largest entry, measured as its JSON text in UTF-16 code units.
	 * @default 65536
	 */
	maxEntryChars: number;
}

/** Why `value` is not canonical JSON within the limits, or null when it is. */
export function describeNonCanonicalValue(value: unknown, limits: ValueLimits): string | null {
	const problem = checkValue(value, limits, 1);
	if (problem) return problem;
	return JSON.stringify(value).length > limits.maxEntryChars
		? `An entry is at most ${limits.maxEntryChars} characters of JSON.`
		: null;
}

function checkValue(value: unknown, limits: ValueLimits, depth: number): string | null {
	switch (typeof value) {
		case 'string':
		case 'boolean':
			return null;
		case 'number':
			return Number.isFinite(value) ? null : 'Numbers must be finite (no NaN or Infinity).';
		case 'object':
			break;
		default:
			return `A ${typeof value} is not a JSON value.`;
	}
	if (value === null) return null;
	if (depth > limits.maxDepth) return `Values nest at most ${limits.maxDepth} levels deep.`;
	if (Array.isArray(value)) {
		for (const element of value) {
			const problem = checkValue(element, limits, depth + 1);
			if (problem) return problem;
		}
		return null;
	}
	if (Object.getPrototypeOf(value) !== Object.prototype) {
		return 'Only plain JSON objects are accepted (no binary data, no prototype keys).';
	}
	for (const [key, element] of Object.entries(value)) {
		if (key.length > limits.maxKeyLength)
			return `Object keys are at most ${limits.maxKeyLength} characters.`;
		const problem = checkValue(element, limits, depth + 1);
		if (problem) return problem;
	}
	return null;
}
