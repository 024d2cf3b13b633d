/**
 * `npm run admin -- remove-admin <project> <email>`: the consortium's operators take a Project
 * Admin out of a stuck project. Run as an operator runs it (a child process on the data directory
 * of a stopped server), then read by a server started again on the same data.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectDocument, userDocument } from '../../src/lib/shared';
import { findAccountByEmail } from '../../server/auth/accounts';
import { DEMO_ADMIN_EMAIL, seedDemo } from '../../server/bootstrap/demo';
import { startAuthServer } from '../support/auth';
import type { TestServer } from '../support/server';

const run = promisify(execFile);
let dataDir: string;
const servers: TestServer[] = [];

interface Run {
	code: number;
	stdout: string;
	stderr: string;
}

async function admin(...args: string[]): Promise<Run> {
	try {
		const { stdout, stderr } = await run(
			process.execPath,
			['--import', 'tsx', 'server/cli/admin.ts', ...args],
			{ env: { ...process.env, DATA_DIR: dataDir } }
		);
		return { code: 0, stdout, stderr };
	} catch (error) {
		const failed = error as { code: number; stdout: string; stderr: string };
		return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
	}
}

async function serverOnTheData(): Promise<TestServer> {
	const server = await startAuthServer({ config: { dataDir } });
	servers.push(server);
	return server;
}

/** The demo's Harbour consortium: Cove Analytics has Cora Cove (Cove) and Dana Admin (the office). */
beforeEach(async () => {
	dataDir = mkdtempSync(join(tmpdir(), 'console-remove-admin-'));
	const server = await serverOnTheData();
	seedDemo(server.app.authDb, server.app.registry, server.app.site);
	await server.close();
	servers.length = 0;
});

afterEach(async () => {
	for (const server of servers.splice(0)) await server.close();
	rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run admin -- remove-admin', () => {
	it('explains itself with --help, and exits 0', async () => {
		const help = await admin('remove-admin', '--help');
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('remove-admin      <project id> <email>');
		expect(help.stdout).toContain('Never the last Project Admin');
	});

	it('removes a Project Admin, audited as the server’s change, mailed, out of their drop-down', async () => {
		const removed = await admin('remove-admin', 'cove', DEMO_ADMIN_EMAIL);
		expect(removed).toMatchObject({ code: 0, stderr: '' });
		expect(removed.stdout).toContain(
			`Removed Dana Admin (${DEMO_ADMIN_EMAIL}), Project Admin, from Cove Analytics.`
		);

		const server = await serverOnTheData();
		const dana = findAccountByEmail(server.app.db, DEMO_ADMIN_EMAIL)!;
		const cove = server.app.registry.read(projectDocument('cove'), (document) => ({
			dana: document.index!.member(dana.id),
			admins: document.index!.adminCount()
		}));
		expect(cove).toEqual({ dana: undefined, admins: 1 });
		const audit = server.app.db
			.prepare(
				`SELECT author_id AS author, outcome, before_json IS NOT NULL AS hadEntry, after_json AS after
				 FROM audit_log WHERE document = 'project/cove' AND root = 'members' AND entry_key = ?
				 ORDER BY id DESC LIMIT 1`
			)
			.get(dana.id);
		expect(audit).toEqual({ author: null, outcome: 'accepted', hadEntry: 1, after: null });
		const listed = server.app.registry.read(userDocument(dana.id), (document) =>
			[...document.root('projects').keys()].sort()
		);
		expect(listed).toEqual(['northern-lights']);
		const mail = server.app.db
			.prepare('SELECT subject FROM mail_outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1')
			.pluck()
			.get(DEMO_ADMIN_EMAIL);
		expect(mail).toBe('The Harbour Libraries Consortium office removed you from Cove Analytics');
	});

	async function expectRefusals(cases: Array<[string[], string]>): Promise<void> {
		for (const [args, reason] of cases) {
			const refused = await admin(...args);
			expect(refused, args.join(' ')).toMatchObject({ code: 1, stdout: '' });
			expect(refused.stderr, args.join(' ')).toContain(reason);
		}
	}

	it('refuses, with exit code 1 and nothing changed, whom the office may not remove', async () => {
		await expectRefusals([
			[
				['remove-admin', 'cove', 'caleb@cove.example.org'],
				'Not removed: caleb@cove.example.org is Consumer of Cove Analytics, not a Project Admin'
			],
			[
				['remove-admin', 'cove', 'nobody@cove.example.org'],
				'Not removed: nobody@cove.example.org is not a member of Cove Analytics'
			],
			[
				['remove-admin', 'quay', 'quinn@quay.example.edu'],
				'Not removed: quinn@quay.example.edu is the last Project Admin of Quay Analytics'
			]
		]);
		const server = await serverOnTheData();
		const members = server.app.registry.read(projectDocument('cove'), (document) => ({
			admins: document.index!.adminCount(),
			caleb: document.index!.memberByEmail('caleb@cove.example.org')?.role
		}));
		expect(members).toEqual({ admins: 2, caleb: 'consumer' });
	});

	it('refuses, with exit code 1, a project or an address it cannot read', async () => {
		await expectRefusals([
			[['remove-admin', 'nowhere', DEMO_ADMIN_EMAIL], 'There is no project nowhere.'],
			[['remove-admin', 'cove', 'not an address'], 'the address:'],
			[['list', 'cove'], 'Unexpected argument "cove".']
		]);
	});

	it('never removes the last Project Admin, even one removal after another', async () => {
		expect(
			(await admin('remove-admin', '--project', 'cove', '--email', DEMO_ADMIN_EMAIL)).code
		).toBe(0);
		const last = await admin('remove-admin', 'cove', 'cora@cove.example.org');
		expect(last.code).toBe(1);
		expect(last.stderr).toContain(
			'Not removed: cora@cove.example.org is the last Project Admin of Cove Analytics'
		);
	});
});
