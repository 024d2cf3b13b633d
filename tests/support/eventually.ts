/**
 * Waits for something that happens in the background (a message over a real socket, the mail
 * loop) to have happened: `check` is retried by `vi.waitFor` until it gives a value. The limit
 * only keeps a broken test from hanging; no test asserts how long anything takes.
 */
import { vi } from 'vitest';

export async function eventually<T>(
	check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
	what: string,
	timeoutMs = 10_000
): Promise<T> {
	return vi.waitFor(
		async () => {
			const value = await check();
			if (!value) throw new Error(`Still waiting for ${what}`);
			return value;
		},
		{ timeout: timeoutMs, interval: 10 }
	);
}
