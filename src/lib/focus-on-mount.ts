/**
 * An attachment that moves keyboard focus to an element when it appears: a page's heading after
 * navigation, a new step's heading, an error after a submit. SvelteKit leaves focus alone after
 * navigation when a page has moved it. The element needs tabindex="-1" unless it is a control.
 */
export function focusOnMount(node: HTMLElement): void {
	node.focus();
}
