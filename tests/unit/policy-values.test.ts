/**
 * Comparing and quoting values a client sent: never a throw, whatever the value.
 */
import { describe, expect, it } from 'vitest';
import { sameValue, shown } from '../../src/lib/shared';

function nested(depth: number, bottom: unknown): unknown {
	let value = bottom;
	for (let level = 0; level < depth; level += 1) value = level % 2 ? [value] : { nested: value };
	return value;
}

describe('sameValue', () => {
	it('compares data, not references or prototypes', () => {
		expect(sameValue({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
		expect(sameValue(Object.assign(Object.create(null), { a: 1 }), { a: 1 })).toBe(true);
		expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
		expect(sameValue([1], { 0: 1 })).toBe(false);
		expect(sameValue(['a', 'b'], ['b', 'a'])).toBe(false);
	});

	it('tells NaN from null and bigints apart, where JSON.stringify throws or says "null"', () => {
		expect(sameValue(Number.NaN, null)).toBe(false);
		expect(sameValue(Number.NaN, Number.NaN)).toBe(true);
		expect(sameValue({ at: 1n }, { at: 1n })).toBe(true);
		expect(sameValue({ at: 1n }, { at: 1 })).toBe(false);
		expect(sameValue(Infinity, null)).toBe(false);
	});

	it('compares values nested far deeper than the stack, and values that contain themselves', () => {
		expect(sameValue(nested(50_000, 'x'), nested(50_000, 'x'))).toBe(true);
		expect(sameValue(nested(50_000, 'x'), nested(50_000, 'y'))).toBe(false);
		const loop: Record<string, unknown> = { a: 1 };
		loop.self = loop;
		const other: Record<string, unknown> = { a: 1 };
		other.self = other;
		expect(sameValue(loop, other)).toBe(true);
	});
});

describe('shown', () => {
	it('quotes what it can and names what it cannot, briefly', () => {
		expect(shown('owner')).toBe('owner');
		expect(shown(12n)).toBe('12');
		expect(shown(Object.create(null))).toBe('an object');
		expect(shown(Symbol('s'))).toBe('a symbol');
		expect(shown(['admin'])).toBe('a list');
		expect(shown('x'.repeat(10_000))).toHaveLength(81);
	});
});
