import { describe, expect, it } from 'vitest';
import { placeInBand } from '../../src/lib/components/visible-part';

describe('placeInBand: a dialog in the part of a frame on screen', () => {
	it('opens at the top of what is seen, no taller than it', () => {
		expect(placeInBand({ top: 330, height: 514 })).toEqual({ top: 342, maxHeight: 490 });
	});

	it('keeps a usable height when little of the frame is seen', () => {
		expect(placeInBand({ top: 800, height: 100 })).toEqual({ top: 812, maxHeight: 320 });
	});
});
