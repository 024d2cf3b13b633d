import { afterEach, describe, expect, it } from 'vitest';
import { createTestAccount, startAuthServer } from '../support/auth';
import { TestClient } from '../support/client';
import { eventually } from '../support/eventually';
import { captureLog } from '../support/log';
import { startServer, type TestServer } from '../support/server';

const ADA = 'ada@library.example.edu';

interface ListedMessage {
	to: string;
	subject: string;
	text: string;
	html: string;
	status: string;
}

describe('the local outbox (no SMTP_URL)', () => {
	let server: TestServer;
	afterEach(async () => {
		await server.close();
	});

	it('keeps mail in the outbox, shows it at /api/dev/outbox newest first, and prints the link', async () => {
		const logged = captureLog('readable', 'info');
		server = await startAuthServer({ log: logged.log });
		await createTestAccount(server, { email: ADA, name: 'Ada' });
		const client = new TestClient(server);
		await client.post('/api/auth/password-reset', { email: ADA });
		await client.post('/api/auth/link', { email: ADA });

		const messages = await eventually(async () => {
			const listed = (await client.get('/api/dev/outbox')).body.messages as ListedMessage[];
			return listed.every((message) => message.status === 'kept-locally') && listed;
		}, 'both messages to be kept locally');
		expect(messages.map((message) => message.subject)).toEqual([
			'Your sign-in link for the Consortium Console',
			'Set your Consortium Console password'
		]);
		const [signIn] = messages;
		expect(signIn).toMatchObject({ to: ADA, status: 'kept-locally' });
		const link = /http:\/\/\S+\/sign-in\/link#token=[a-z0-9]+/.exec(signIn!.text)![0];
		expect(signIn!.html).toContain(`href="${link}"`);

		const printed = logged.text();
		expect(printed).toContain(ADA);
		expect(printed).toContain('Your sign-in link for the Consortium Console');
		expect(printed).toContain(link);

		const signedIn = await client.post('/api/auth/link/consume', {
			token: new URL(link).hash.slice('#token='.length)
		});
		expect(signedIn.status).toBe(200);
	});

	it('has no outbox endpoint when the developer routes are off', async () => {
		server = await startAuthServer({ config: { developerRoutes: false } });
		const response = await new TestClient(server).get('/api/dev/outbox');
		expect(response.status).toBe(404);
	});

	it('has no outbox endpoint when mail goes through an SMTP server', async () => {
		server = await startServer({}, { SMTP_URL: 'smtp://127.0.0.1:9' });
		expect((await new TestClient(server).get('/api/dev/outbox')).status).toBe(404);
	});
});
