/**
 * The last line of defence: an exception nothing caught, or a promise rejection nothing handled,
 * is logged and the server goes on serving everyone else, instead of ending the process (Node's
 * default). Each edge catches its own parse errors first (request targets, path parameters,
 * bodies, upgrades); anything that reaches here is a bug, and the log says where it came from:
 * the stack, and the request whose handling set it going, when there was one.
 */
import type { Log } from '../observability/log';
import { currentRequestId } from '../observability/request-id';

export function keepServingAfterUncaughtErrors(log: Log): void {
	process.on('uncaughtException', (error, origin) => {
		log.error(
			{ err: error, origin, requestId: currentRequestId() },
			'uncaught exception; still serving. A bug'
		);
	});
	process.on('unhandledRejection', (reason) => {
		log.error(
			{ err: reason, requestId: currentRequestId() },
			'unhandled promise rejection; still serving. A bug'
		);
	});
}
