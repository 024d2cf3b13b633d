/**
 * Where keyboard focus goes when something appears: a page's heading after navigation, a new
 * step's heading, an error after a submit.
 */
import { tick } from 'svelte';

/**
 * An attachment that moves focus to an element when it appears. SvelteKit leaves focus alone
 * after navigation when a page has moved it. The element needs tabindex="-1" unless it is a
 * control.
 */
export function focusOnMount(node: HTMLElement): void {
	node.focus();
}

/**
 * After a submit that failed on its fields: focus the form's first field marked invalid, once
 * the errors are drawn.
 */
export async function focusFirstInvalid(form: HTMLElement | undefined): Promise<void> {
	await tick();
	form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
