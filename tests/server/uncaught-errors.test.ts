/**
 * The last line of defence (server/http/uncaught-errors.ts, installed by server/main.ts): an
 * exception nothing caught and a rejection nobody handled are logged with what they were, and
 * the process goes on serving.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, expect, it } from 'vitest';
import { eventually } from '../support/eventually';

let stop: (() => void) | undefined;
afterEach(() => stop?.());

it('logs an uncaught exception and an unhandled rejection, and keeps serving', async () => {
	const child = spawn(process.execPath, [
		'--import',
		'tsx',
		'tests/support/uncaught-errors-process.ts'
	]);
	stop = () => child.kill();
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const [firstLine] = (await once(child.stdout, 'data')) as [Buffer];
	const url = firstLine.toString().trim();

	await eventually(
		() => stderr.includes('thrown in a timer') && stderr.includes('rejected with nobody listening'),
		'both errors to be logged'
	);
	expect(stderr).toMatch(/Uncaught exception \(uncaughtException\); still serving\. A bug:/);
	expect(stderr).toMatch(/Unhandled promise rejection; still serving\. A bug:/);
	// The stack says where it came from.
	expect(stderr).toContain('uncaught-errors-process.ts');

	const response = await fetch(url);
	expect(await response.text()).toBe('still serving');
	expect(child.exitCode).toBeNull();
});
