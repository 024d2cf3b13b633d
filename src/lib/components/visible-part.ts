/**
 * Modal dialogs inside a frame sized to its content (the embedded widget in a portal's page). There
 * the browser's viewport is the whole frame, often taller than the screen, so a dialog centred in
 * it can open below the portal's fold, its buttons out of sight. In a frame, a dialog is therefore
 * placed in the part of the frame the person sees, and no taller than it (its body scrolls, its
 * title and buttons stay in view).
 *
 * Which part is seen comes from an IntersectionObserver on the frame's document: with the implicit
 * root it reports the part of the target on the screen, also across origins, in the frame's own
 * coordinates. It reports again as that part changes (the portal's page scrolls), in steps of a
 * hundredth of the document's height. When too little of the frame is seen for a usable dialog,
 * the page is scrolled (once) to show enough of it: scrolling an element of the frame into view
 * scrolls the pages around it too, which a fixed dialog cannot do.
 */

/** Space kept between the dialog and the edges of what is seen. */
const MARGIN = 12;
/** Below this, the dialog does not shrink further: it would be of no use. */
const MIN_HEIGHT = 320;

export interface VisibleBand {
	top: number;
	height: number;
}

/** The space a dialog needs to be of use: its least height and the margins around it. */
const NEEDED = MIN_HEIGHT + 2 * MARGIN;

/**
 * Where a dialog goes in `band`: at its top, no taller than it. Aligned to the top rather than
 * centred, so that a dialog that grows (addresses added to Invite Users) stays inside.
 */
export function placeInBand(band: VisibleBand): { top: number; maxHeight: number } {
	return {
		top: Math.max(0, band.top + MARGIN),
		maxHeight: Math.max(band.height - 2 * MARGIN, MIN_HEIGHT)
	};
}

/**
 * A dialog's height if nothing limited it: its body's whole content, not the part shown. A frame
 * sized to its content grows to this, which does not depend on where the dialog is placed.
 */
export function naturalHeight(dialog: HTMLElement): number {
	const body = dialog.querySelector<HTMLElement>('.dialog-body');
	return body ? dialog.offsetHeight - body.clientHeight + body.scrollHeight : dialog.offsetHeight;
}

/**
 * Keeps an open modal dialog within the part of the frame on screen, until the returned function
 * is called. Outside a frame it does nothing: there the viewport is what the person sees.
 */
export function keepInVisiblePart(dialog: HTMLElement): () => void {
	const view = dialog.ownerDocument.defaultView;
	if (!view || view.self === view.top || typeof IntersectionObserver === 'undefined') {
		return () => {};
	}
	// Unseen until placed, so that it does not flash in the middle of the frame first. Opacity,
	// not visibility: the dialog takes focus at once.
	dialog.style.opacity = '0';
	const reveal = setTimeout(() => (dialog.style.opacity = ''), 500);
	let madeRoom = false;
	/** Scrolls the portal's page so that `NEEDED` pixels of the frame below `top` are seen. */
	const makeRoom = (top: number) => {
		madeRoom = true;
		const doc = dialog.ownerDocument;
		const room = doc.createElement('div');
		room.style.cssText = `position:absolute;left:0;width:1px;top:${top}px;height:${NEEDED}px;pointer-events:none`;
		doc.body.append(room);
		room.scrollIntoView({ block: 'nearest', inline: 'nearest' });
		room.remove();
	};
	const place = (band: VisibleBand) => {
		const { top, maxHeight } = placeInBand(band);
		dialog.style.marginBlock = '0';
		dialog.style.insetBlock = `${top}px auto`;
		dialog.style.maxHeight = `${maxHeight}px`;
		dialog.style.opacity = '';
	};
	const observer = new IntersectionObserver(
		(entries) => {
			const seen = entries.at(-1)?.intersectionRect;
			if (!seen || seen.height <= 0) return;
			place({ top: seen.top, height: seen.height });
			if (seen.height < NEEDED && !madeRoom) makeRoom(seen.top);
		},
		{ threshold: Array.from({ length: 101 }, (_, step) => step / 100) }
	);
	observer.observe(dialog.ownerDocument.documentElement);
	return () => {
		clearTimeout(reveal);
		observer.disconnect();
	};
}
