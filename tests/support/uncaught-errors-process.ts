/**
 * A server process with the console's last line of defence installed, for
 * tests/server/uncaught-errors.test.ts: it prints its URL, then throws where nothing catches and
 * rejects a promise nobody handles, and should go on answering. A request to /bug sets going a
 * timer that throws, as a bug in a handler would. It logs JSON lines to its standard error.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keepServingAfterUncaughtErrors } from '../../server/http/uncaught-errors';
import { createLogger } from '../../server/observability/log';
import { requestIdOf, whileHandling } from '../../server/observability/request-id';

keepServingAfterUncaughtErrors(createLogger({ level: 'info', format: 'json' }, process.stderr));
const server = createServer((req, res) =>
	whileHandling(requestIdOf(req), () => {
		if (req.url === '/bug')
			setTimeout(() => {
				throw new Error('thrown in a timer a request set going');
			});
		res.end('still serving');
	})
);
server.listen(0, '127.0.0.1', () => {
	const { port } = server.address() as AddressInfo;
	process.stdout.write(`http://127.0.0.1:${port}\n`);
	setTimeout(() => {
		throw new Error('thrown in a timer');
	});
	void Promise.reject(new Error('rejected with nobody listening'));
});
