/**
 * Why a form's submit failed: a notice that takes focus, unless the fields say it themselves
 * (the server's `fields`), as the sign-in, password and invitation pages show it.
 */
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { ApiFailure } from '../../src/lib/api';
import FormFailure from '../../src/lib/components/FormFailure.svelte';

const RATE_LIMITED: ApiFailure = {
	ok: false,
	status: 429,
	code: 'rate-limited',
	message: 'Too many attempts.',
	retryAfterSeconds: 120
};

const NAME_MISSING: ApiFailure = {
	ok: false,
	status: 400,
	code: 'invalid-input',
	message: 'Some fields are not valid.',
	fields: { name: ['A name is required'] }
};

describe('FormFailure', () => {
	it('says the failure in words as an alert, and takes focus', () => {
		render(FormFailure, { props: { failure: RATE_LIMITED } });
		const alert = screen.getByRole('alert');
		expect(alert).toHaveTextContent('Too many attempts. Try again in 2 minutes.');
		expect(alert).toHaveFocus();
	});

	it('says nothing while there is no failure', () => {
		render(FormFailure, { props: { failure: null } });
		expect(screen.queryByRole('alert')).toBeNull();
	});

	it('leaves a failure about fields to the fields', () => {
		render(FormFailure, { props: { failure: NAME_MISSING } });
		expect(screen.queryByRole('alert')).toBeNull();
	});

	it('leaves to the form only the fields it shows', () => {
		const { unmount } = render(FormFailure, {
			props: { failure: NAME_MISSING, fields: ['name', 'password'] }
		});
		expect(screen.queryByRole('alert')).toBeNull();
		unmount();
		render(FormFailure, { props: { failure: NAME_MISSING, fields: [] } });
		expect(screen.getByRole('alert')).toHaveTextContent('Some fields are not valid.');
	});

	it('words it as the form asks', () => {
		render(FormFailure, {
			props: { failure: RATE_LIMITED, describe: (failure) => `Link refused: ${failure.code}` }
		});
		expect(screen.getByRole('alert')).toHaveTextContent('Link refused: rate-limited');
	});

	it('shows a new failure as a new notice, which takes focus again', async () => {
		const { rerender } = render(FormFailure, { props: { failure: RATE_LIMITED } });
		screen.getByRole('alert').blur();
		await rerender({ failure: { ...RATE_LIMITED } });
		expect(screen.getByRole('alert')).toHaveFocus();
	});
});
