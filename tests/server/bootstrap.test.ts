import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectListing } from '../../src/lib/shared';
import { DEMO_ADMIN_EMAIL, demoIsNeeded, seedDemo } from '../../server/bootstrap/demo';
import { findAccountByEmail } from '../../server/auth/accounts';
import { startAuthServer } from '../support/auth';
import { TestClient } from '../support/client';
import type { TestServer } from '../support/server';
import { tokenFromLink } from '../support/smtp';

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
		const demo = seedDemo(server.app.db, server.app.registry, server.app.site);
		expect(demoIsNeeded(server.app.db)).toBe(false);

		const browser = new TestClient(server);
		const signedIn = await browser.post('/api/auth/link/consume', {
			token: tokenFromLink(demo.link)
		});
		expect(signedIn.status).toBe(200);
		expect(signedIn.body.account.email).toBe(DEMO_ADMIN_EMAIL);

		const adminId = findAccountByEmail(server.app.db, DEMO_ADMIN_EMAIL)!.id;
		const projects = server.app.registry.read(`user/${adminId}`, (document) => [
			...(document.roots.get('projects')!.values() as Iterable<ProjectListing>)
		])!;
		expect(projects.map((project) => [project.name, project.mode, project.role]).sort()).toEqual([
			['Cove Analytics', 'institution-zone', 'admin'],
			['Northern Lights Analytics', 'network-zone', 'admin']
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
		const member = server.app.registry.read(`project/${projectId}`, (document) =>
			document.index!.member(accepted.body.account.id)
		);
		expect(member).toMatchObject({ role: 'admin', name: 'The Boss' });
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

	it('explains its usage when the command is unknown', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'console-admin-'));
		directories.push(dataDir);
		const refused = await admin(dataDir, 'frobnicate').catch((error: { stderr: string }) => error);
		expect((refused as { stderr: string }).stderr).toContain('Usage: npm run admin');
	});
});
