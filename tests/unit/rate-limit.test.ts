import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../server/http/rate-limit';

function clock(start = 1_000_000) {
	const state = { time: start };
	return { state, now: () => state.time };
}

describe('the rate limiter', () => {
	it('allows the limit within a window, then says how long to wait', () => {
		const time = clock();
		const limiter = new RateLimiter({ limit: 2, windowMs: 60_000, now: time.now });
		expect(limiter.consume('ip:1')).toEqual({ ok: true });
		expect(limiter.consume('ip:1')).toEqual({ ok: true });
		time.state.time += 15_000;
		expect(limiter.consume('ip:1')).toMatchObject({
			ok: false,
			code: 'rate-limited',
			retryAfterSeconds: 45
		});
	});

	it('counts each key on its own', () => {
		const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, now: clock().now });
		expect(limiter.consume('a').ok).toBe(true);
		expect(limiter.consume('b').ok).toBe(true);
		expect(limiter.consume('a').ok).toBe(false);
	});

	it('lets requests through again once the window has passed', () => {
		const time = clock();
		const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, now: time.now });
		limiter.consume('a');
		expect(limiter.consume('a').ok).toBe(false);
		time.state.time += 60_000;
		expect(limiter.consume('a').ok).toBe(true);
	});

	it('never tracks more keys than its bound, dropping the oldest first', () => {
		const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 100, now: clock().now });
		for (let index = 0; index < 1000; index++) limiter.consume(`key${index}`);
		expect(limiter.size).toBe(100);
		expect(limiter.consume('key999').ok).toBe(false);
		expect(limiter.consume('key0').ok).toBe(true);
	});

	it('drops finished windows before they take room', () => {
		const time = clock();
		const limiter = new RateLimiter({ limit: 1, windowMs: 1000, now: time.now });
		for (let index = 0; index < 50; index++) limiter.consume(`old${index}`);
		time.state.time += 1000;
		limiter.consume('new');
		expect(limiter.size).toBe(1);
	});
});
