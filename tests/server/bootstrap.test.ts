import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
	projectDocument,
	userDocument,
	type AccessRequest,
	type Board,
	type BoardSubscription,
	type OwnRequest,
	type ProjectListing
} from '../../src/lib/shared';
import { DEMO_ADMIN_EMAIL, demoIsNeeded, seedDemo } from '../../server/bootstrap/demo';
import { findAccountByEmail } from '../../server/auth/accounts';
import { startAuthServer } from '../support/auth';
import { TestClient } from '../support/client';
import type { TestServer } from '../support/server';
import { tokenFromLink } from '../support/smtp';
import { signedIn as signedInAs } from '../support/workflows';

const run = promisify(execFile);
const servers: TestServer[] = [];
const directories: string[] = [];

function admin(dataDir: string, ...args: string[]) {
	return run(process.execPath, ['--import', 'tsx', 'server/cli/admin.ts', ...args], {
		env: { ...process.env, DATA_DIR: dataDir }
	});
}

afterEach(async () => {
	for (const server of servers.splice(0)) await server.close();
	for (const directory of directories.splice(0))
		rmSync(directory, { recursive: true, force: true });
});

describe('the demo a first start creates', () => {
	it('shows both management modes, and its admin signs in with the printed link', async () => {
		const server = await startAuthServer();
		servers.push(server);
		expect(demoIsNeeded(server.app.db)).toBe(true);
		const demo = seedDemo(server.app.authDb, server.app.registry, server.app.site);
		expect(demoIsNeeded(server.app.db)).toBe(false);

		const browser = new TestClient(server);
		const signedIn = await browser.post('/api/auth/link/consume', {
			token: tokenFromLink(demo.link)
		});
		expect(signedIn.status).toBe(200);
		expect(signedIn.body.account.email).toBe(DEMO_ADMIN_EMAIL);

		const adminId = findAccountByEmail(server.app.db, DEMO_ADMIN_EMAIL)!.id;
		const projects = server.app.registry.read(userDocument(adminId), (document) => [
			...(document.root('projects').values() as Iterable<ProjectListing>)
		])!;
		expect(projects.map((project) => [project.name, project.mode, project.role]).sort()).toEqual([
			['Cove Analytics', 'institution-zone', 'admin'],
			['Northern Lights Analytics', 'network-zone', 'admin']
		]);
	});

	it('has boards in its data views, a subscription, and a join request waiting in Cove', async () => {
		const server = await startAuthServer();
		servers.push(server);
		seedDemo(server.app.authDb, server.app.registry, server.app.site);
		const { registry } = server.app;
		const values = <T>(name: string, root: string) =>
			registry.read(name, (document) => [...document.root(root).values()] as T[])!;

		const boards = values<Board>('view/northern-lights/global', 'boards');
		expect(boards.map((board) => board.name).sort()).toEqual([
			'Catalogue search',
			'Circulation overview'
		]);
		expect(values<Board>('view/cove/main', 'boards')).toHaveLength(1);
		expect(values<Board>('view/quay/main', 'boards')).toHaveLength(1);
		const [subscription] = values<BoardSubscription>(
			'view/northern-lights/global',
			'subscriptions'
		);
		expect(subscription).toMatchObject({ cadence: 'weekly', recipients: [DEMO_ADMIN_EMAIL] });

		const [request] = values<AccessRequest>('project/cove', 'requests');
		expect(request).toMatchObject({
			kind: 'join',
			role: 'analyst',
			status: 'pending',
			requesterEmail: 'hana@office.harbour.example',
			requesterZoneId: 'hb-office'
		});
		const hana = findAccountByEmail(server.app.db, 'hana@office.harbour.example')!;
		expect(values<OwnRequest>(userDocument(hana.id), 'requests')).toEqual([
			expect.objectContaining({ id: request!.id, projectName: 'Cove Analytics' })
		]);
		const directory = await signedInAs(server, hana.id).get('/api/directory');
		expect(directory.body.consortia).toEqual([
			expect.objectContaining({ name: 'Harbour Libraries Consortium' })
		]);
	});
});

describe('npm run admin', () => {
	it('creates a consortium and a project and invites its first Project Admin, who accepts', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'console-admin-'));
		directories.push(dataDir);
		const created = await admin(
			dataDir,
			'create-consortium',
			'--name',
			'Test Net',
			'--mode',
			'network-zone',
			'--network-zone',
			'Office:office.test.org',
			'--institution-zone',
			'Lib A'
		);
		const consortiumId = /id=(\S+)/.exec(created.stdout)![1]!;
		const project = await admin(
			dataDir,
			'create-project',
			'--consortium',
			consortiumId,
			'--name',
			'Test Project'
		);
		const projectId = /id=(\S+)/.exec(project.stdout)![1]!;
		const second = await admin(
			dataDir,
			'create-project',
			'--consortium',
			consortiumId,
			'--name',
			'Another'
		).catch((error: { code: number; stderr: string }) => error);
		expect(second).toMatchObject({
			code: 1,
			stderr: 'In network-zone management the consortium has one project, and it exists already.\n'
		});
		const invited = await admin(
			dataDir,
			'invite-admin',
			'--project',
			projectId,
			'--email',
			'boss@office.test.org'
		);
		const link = /(http\S+\/invite#token=\S+)/.exec(invited.stdout)![1]!;

		const server = await startAuthServer({ config: { dataDir } });
		servers.push(server);
		const accepted = await new TestClient(server).post('/api/invites/accept', {
			token: tokenFromLink(link),
			name: 'The Boss'
		});
		expect(accepted.status).toBe(200);
		expect(accepted.body.projectId).toBe(projectId);
		const member = server.app.registry.read(projectDocument(projectId), (document) =>
			document.index!.member(accepted.body.account.id)
		);
		expect(member).toMatchObject({ role: 'admin', name: 'The Boss' });
	});

	it('refuses to invite an Institution Zone address as Project Admin through the Network Zone', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'console-admin-'));
		directories.push(dataDir);
		const created = await admin(
			dataDir,
			'create-consortium',
			'--name',
			'Test Net',
			'--mode',
			'network-zone',
			'--network-zone',
			'Office:office.test.org',
			'--institution-zone',
			'Lib A:liba.test.edu'
		);
		const consortiumId = /id=(\S+)/.exec(created.stdout)![1]!;
		const networkZoneId = /zone Office id=(\S+)/.exec(created.stdout)![1]!;
		const project = await admin(
			dataDir,
			'create-project',
			'--consortium',
			consortiumId,
			'--name',
			'Test Project'
		);
		const projectId = /id=(\S+)/.exec(project.stdout)![1]!;
		const refuse = (...zone: string[]) =>
			admin(
				dataDir,
				'invite-admin',
				'--project',
				projectId,
				'--email',
				'Head@LibA.test.edu',
				...zone
			).catch((error: { code: number; stderr: string }) => error);
		expect(await refuse('--zone', networkZoneId)).toMatchObject({
			code: 1,
			stderr: expect.stringContaining(
				'Not invited: head@liba.test.edu belongs to Lib A (Institution Zone)'
			)
		});
		// Without a zone the address's own is meant, where it cannot be Project Admin.
		expect(await refuse()).toMatchObject({
			code: 1,
			stderr: expect.stringContaining('Institution Zone users cannot be Project Admin')
		});
	});

	it('refuses to change documents while a server runs on the same data', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'console-admin-'));
		directories.push(dataDir);
		writeFileSync(join(dataDir, 'owner.lock'), String(process.pid));
		const refused = await admin(
			dataDir,
			'create-consortium',
			'--name',
			'X',
			'--mode',
			'network-zone',
			'--network-zone',
			'Office'
		).catch((error: { code: number; stderr: string }) => error);
		expect(refused).toMatchObject({ code: 1 });
		expect((refused as { stderr: string }).stderr).toContain('stop it');
	});

	it('adds a person to a zone, creating the account, while the server runs', async () => {
		const server = await startAuthServer();
		servers.push(server);
		seedDemo(server.app.authDb, server.app.registry, server.app.site);
		writeFileSync(join(server.dataDir, 'owner.lock'), String(process.pid));
		const added = await admin(
			server.dataDir,
			'add-zone-member',
			'--zone',
			'hb-office',
			'--email',
			'New.Analyst@office.harbour.example',
			'--name',
			'Nell Analyst'
		);
		expect(added.stdout).toContain(
			'new.analyst@office.harbour.example belongs to Harbour Office (Network Zone).'
		);
		const account = findAccountByEmail(server.app.db, 'new.analyst@office.harbour.example')!;
		expect(account.name).toBe('Nell Analyst');
		const directory = await signedInAs(server, account.id).get('/api/directory');
		expect(
			directory.body.consortia[0].projects.map((project: { name: string }) => project.name)
		).toEqual(['Cove Analytics', 'Quay Analytics']);
	});

	it('explains its usage when the command is unknown', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'console-admin-'));
		directories.push(dataDir);
		const refused = await admin(dataDir, 'frobnicate').catch((error: { stderr: string }) => error);
		expect((refused as { stderr: string }).stderr).toContain('Usage: npm run admin');
	});
});
