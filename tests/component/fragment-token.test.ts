import { afterEach, describe, expect, it } from 'vitest';
import { takeFragmentToken } from '../../src/lib/fragment-token';

describe('takeFragmentToken', () => {
	afterEach(() => history.replaceState(null, '', '/'));

	it('reads the token of an emailed link and removes it from the address bar', () => {
		history.replaceState(null, '', '/invite?from=mail#token=abc123');
		expect(takeFragmentToken()).toBe('abc123');
		expect(location.href).toBe(`${location.origin}/invite?from=mail`);
		expect(takeFragmentToken()).toBeNull();
	});

	it('finds no token in a link without one', () => {
		history.replaceState(null, '', '/sign-in/link#other=1');
		expect(takeFragmentToken()).toBeNull();
		expect(location.hash).toBe('');
	});
});
