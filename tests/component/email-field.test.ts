/** The address a person signs in with or asks a link for, on the sign-in and password pages. */
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import EmailField from '../../src/lib/components/EmailField.svelte';

describe('EmailField', () => {
	it('is a required email field the browser fills in', () => {
		render(EmailField, { props: { value: 'ada@example.org' } });
		const field = screen.getByLabelText('Email');
		expect(field).toHaveAttribute('type', 'email');
		expect(field).toHaveAttribute('name', 'email');
		expect(field).toHaveAttribute('autocomplete', 'email');
		expect(field).toBeRequired();
		expect(field).toHaveValue('ada@example.org');
		expect(field).not.toHaveAttribute('aria-invalid');
	});

	it('says what is wrong with the address under it', () => {
		render(EmailField, { props: { value: 'ada', errors: ['Enter a valid email address'] } });
		const field = screen.getByLabelText('Email');
		expect(field).toHaveAttribute('aria-invalid', 'true');
		expect(field).toHaveAccessibleDescription('Enter a valid email address');
	});
});
