/**
 * The last line of defence (server/http/uncaught-errors.ts, installed by server/main.ts): an
 * exception nothing caught and a rejection nobody handled are logged with what they were, and the
 * request whose handling set them going, and the process goes on serving.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, expect, it } from 'vitest';
import { eventually } from '../support/eventually';

let stop: (() => void) | undefined;
afterEach(() => stop?.());

interface Line {
	level: string;
	msg: string;
	requestId?: string;
	err: { message: string; stack: string };
}

it('logs an uncaught exception and an unhandled rejection, with their request, and keeps serving', async () => {
	const child = spawn(process.execPath, [
		'--import',
		'tsx',
		'tests/support/uncaught-errors-process.ts'
	]);
	stop = () => child.kill();
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const lines = () =>
		stderr
			.split('\n')
			.filter((line) => line.startsWith('{'))
			.map((line) => JSON.parse(line) as Line);
	const logged = (message: string) => lines().find((line) => line.err.message === message);
	const [firstLine] = (await once(child.stdout, 'data')) as [Buffer];
	const url = firstLine.toString().trim();

	await eventually(
		() => logged('thrown in a timer') && logged('rejected with nobody listening'),
		'both errors to be logged'
	);
	expect(logged('thrown in a timer')).toMatchObject({
		level: 'error',
		msg: 'uncaught exception; still serving. A bug'
	});
	expect(logged('rejected with nobody listening')).toMatchObject({
		level: 'error',
		msg: 'unhandled promise rejection; still serving. A bug'
	});
	// The stack says where it came from; no request was being handled.
	expect(logged('thrown in a timer')!.err.stack).toContain('uncaught-errors-process.ts');
	expect(logged('thrown in a timer')!.requestId).toBeUndefined();

	await fetch(`${url}/bug`, { headers: { 'X-Request-Id': 'request-with-a-bug' } });
	await eventually(() => logged('thrown in a timer a request set going'), 'the bug to be logged');
	expect(logged('thrown in a timer a request set going')!.requestId).toBe('request-with-a-bug');

	const response = await fetch(url);
	expect(await response.text()).toBe('still serving');
	expect(child.exitCode).toBeNull();
});
