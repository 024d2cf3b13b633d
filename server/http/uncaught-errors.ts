/**
 * The last line of defence: an exception nothing caught, or a promise rejection nothing handled,
 * is logged and the server goes on serving everyone else, instead of ending the process (Node's
 * default). Each edge catches its own parse errors first (request targets, path parameters,
 * bodies, upgrades); anything that reaches here is a bug, and the log says where it came from.
 */

type Log = (message: string, error: unknown) => void;

export function keepServingAfterUncaughtErrors(log: Log = console.error): void {
	process.on('uncaughtException', (error, origin) => {
		log(`${new Date().toISOString()} Uncaught exception (${origin}); still serving. A bug:`, error);
	});
	process.on('unhandledRejection', (reason) => {
		log(`${new Date().toISOString()} Unhandled promise rejection; still serving. A bug:`, reason);
	});
}
