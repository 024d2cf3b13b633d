/**
 * A row that scrolls sideways (tabs, the project's sections, a wide table on a phone) shows that
 * it does: the edge beyond which there is more fades out (`data-more-before`, `data-more-after`,
 * styled in app.css), and the current item (`aria-current="page"`, `aria-selected="true"`) is
 * scrolled into the row when it opens, so that the place one is at is never the part cut off.
 */
export function overflowHint(node: HTMLElement): () => void {
	let revealed: Element | null = null;
	const update = () => {
		const current = node.querySelector('[aria-current="page"], [aria-selected="true"]');
		if (current && current !== revealed) {
			revealed = current;
			const row = node.getBoundingClientRect();
			const item = current.getBoundingClientRect();
			if (item.right > row.right) node.scrollLeft += item.right - row.right;
			else if (item.left < row.left) node.scrollLeft -= row.left - item.left;
		}
		const hidden = node.scrollWidth - node.clientWidth;
		node.toggleAttribute('data-more-before', node.scrollLeft > 1);
		node.toggleAttribute('data-more-after', node.scrollLeft < hidden - 1);
	};
	update();
	node.addEventListener('scroll', update, { passive: true });
	// The row's width changes with the window; its content's with items that come and go (the
	// sections a person may use are known once the project has loaded) and with their text; the
	// current item with navigation.
	const resizes = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(update);
	resizes?.observe(node);
	const changes = typeof MutationObserver === 'undefined' ? null : new MutationObserver(update);
	changes?.observe(node, {
		childList: true,
		subtree: true,
		characterData: true,
		attributeFilter: ['aria-current', 'aria-selected']
	});
	return () => {
		node.removeEventListener('scroll', update);
		resizes?.disconnect();
		changes?.disconnect();
	};
}
