/**
 * Comparing and showing values the policy did not make. Both answer for any value a client can
 * send (bigints, NaN, objects without a prototype, deep nesting): JSON.stringify throws on a bigint
 * and String() on an object without a prototype, and a judge must never throw.
 */

/**
 * Whether two values hold the same data: primitives by SameValueZero, arrays item by item, other
 * objects by their own enumerable string keys, whatever their prototypes. Iterative, so that depth
 * cannot overflow the stack; a pair met again is taken as equal, so that cycles end.
 */
export function sameValue(a: unknown, b: unknown): boolean {
	const pending: Array<[unknown, unknown]> = [[a, b]];
	const met = new Map<object, Set<object>>();
	while (pending.length > 0) {
		const [left, right] = pending.pop()!;
		if (left === right || (Number.isNaN(left) && Number.isNaN(right))) continue;
		if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null)
			return false;
		if (met.get(left)?.has(right)) continue;
		met.set(left, (met.get(left) ?? new Set()).add(right));
		if (Array.isArray(left) !== Array.isArray(right)) return false;
		const leftKeys = Object.keys(left);
		const rightKeys = Object.keys(right);
		if (leftKeys.length !== rightKeys.length) return false;
		for (const key of leftKeys) {
			if (!Object.hasOwn(right, key)) return false;
			pending.push([
				(left as Record<string, unknown>)[key],
				(right as Record<string, unknown>)[key]
			]);
		}
	}
	return true;
}

const SHOWN_LENGTH = 80;

/** A value as a message quotes it: short, and never a reason to throw. */
export function shown(value: unknown): string {
	const text = isPrimitive(value) ? String(value) : kindOf(value);
	return text.length > SHOWN_LENGTH ? `${text.slice(0, SHOWN_LENGTH)}…` : text;
}

function isPrimitive(
	value: unknown
): value is string | number | bigint | boolean | null | undefined {
	return value === null || !['object', 'function', 'symbol'].includes(typeof value);
}

function kindOf(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
