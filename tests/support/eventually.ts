/**
 * Waits for something the server does in the background (the mail loop) to have happened,
 * checking every few milliseconds. The limit only keeps a broken test from hanging; no test
 * asserts how long anything takes.
 */
export async function eventually<T>(
	check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
	what: string
): Promise<T> {
	const limit = Date.now() + 10_000;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > limit) throw new Error(`Still waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
