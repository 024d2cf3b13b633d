/**
 * `npm run admin -- <command> [options]`: the consortium office's setup tasks. Commands that
 * change documents need the server stopped (they would otherwise write beside it); the others
 * run at any time.
 *
 *   list
 *   create-consortium --name <name> --mode <network-zone|institution-zone>
 *                     --network-zone <name[:domain,...]> --institution-zone <name[:domain,...]> ...
 *   create-project    --consortium <id> --name <name> [--owner-zone <institution zone id>]
 *   invite-admin      --project <id> --email <address> [--zone <zone id>]
 *   add-zone-member   --zone <zone id> --email <address> [--name <name>]
 *   register-portal   --project <id> [--project ...] --name <name> --origin <https://...> [--origin ...]
 *   revoke-portal     --portal <id>
 *   list-portals      [--consortium <id>]
 *   remove-admin      <project id> <email>
 *   set-identity-provider --zone <id> --issuer <url> --client-id <id> [--client-secret <secret>|-]
 *                         --domain <domain> [--domain ...] [--required] [--allow-new-accounts]
 *   remove-identity-provider --zone <id>
 *   issue-scim-token  --zone <zone id>
 *   revoke-scim-token --zone <zone id>
 *
 * Adding a zone member, the portal, identity provider and SCIM token commands change SQL rows only
 * (no documents), so they may run beside the server (a provider set here is used at its next
 * sign-in; a replaced or revoked SCIM token is refused at its next request): a revoked key stops
 * new tickets at once, and the server closes the
 * portal's open connections within seconds (`Config.auth.sessions.recheckConnectionsEveryMs`).
 * Registering or revoking a portal queues mail to its projects' Project Admins, which a running
 * server sends within a minute (else at its next start).
 */
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import {
	EmailSchema,
	IDENTITY_PROVIDER_CALLBACK_PATH,
	IdentityProviderInputSchema,
	ManagementModeSchema,
	NameSchema,
	RegisterPortalRequestSchema,
	SCIM_BASE_PATH,
	firstIssue,
	formatIssues
} from '../../src/lib/shared';
import { createAccount, findAccountByEmail } from '../auth/accounts';
import type { AuthDb } from '../auth/settings';
import { inviteFirstAdmin } from '../bootstrap/first-admin';
import { lockDataDirectory } from '../bootstrap/lock';
import { readConfig } from '../config';
import { projectDirectory } from '../consortium/project-directory';
import { removeProjectAdmin } from '../consortium/remove-admin';
import { projectMembershipIntoUserDocuments } from '../consortium/user-projection';
import { createProject, ProjectPlacementError } from '../consortium/projects';
import {
	createConsortium,
	findConsortium,
	listConsortia,
	listProjectRecords,
	findProjectRecord
} from '../consortium/store';
import { openConsoleDatabase } from '../schema';
import { mailPortalChange } from '../embed/portal-notices';
import { findPortal, listPortals, registerPortal, revokePortal } from '../embed/portals';
import { Mailer } from '../mail/mailer';
import { createLogger } from '../observability/log';
import { removedByOfficeMail } from '../mail/templates';
import { sqliteDocumentStore } from '../sync/persistence';
import { DocumentRegistry } from '../sync/registry';
import { workflowIndexes } from '../features';
import { addZonePerson } from '../consortium/zone-people';
import { removeZoneProvider, setZoneProvider } from '../identity/configure';
import { listConsortiumProviders } from '../identity/providers';
import { SecretBox } from '../identity/secret-box';
import { issueTokenByOffice, revokeTokenByOffice } from '../scim/token-admin';

const USAGE = `Usage: npm run admin -- <command> [options]

  list
  create-consortium --name <name> --mode <network-zone|institution-zone>
                    --network-zone "<name>[:domain,...]" [--institution-zone "<name>[:domain,...]" ...]
  create-project    --consortium <id> --name <name> [--owner-zone <institution zone id>]
  invite-admin      --project <id> --email <address> [--zone <zone id>]
                    (the zone defaults to the person's own, else the project's owner zone)
  add-zone-member   --zone <zone id> --email <address> [--name <name>]
                    (a person of the zone: creates the account if needed)
  register-portal   --project <id> [--project <id> ...] --name <name>
                    --origin <https://...> [--origin ...]
                    (the portal serves these projects only, all of one consortium)
  revoke-portal     --portal <id>
  list-portals      [--consortium <id>]
  remove-admin      <project id> <email>   (or --project <id> --email <address>)
                    removes a Project Admin from a stuck project: no Project Admin may remove
                    another, so when the admin to go does not answer a hand-over request, the
                    office can. Never the last Project Admin, and only Project Admins (the
                    project's own admins remove everyone else). Audited as a server change;
                    the person is mailed.
  set-identity-provider --zone <zone id> --issuer <https://...> --client-id <id>
                    [--client-secret <secret>|-] --domain <domain> [--domain ...]
                    [--required] [--allow-new-accounts]
                    signs the zone's people in through its OpenID Connect provider; the
                    provider's discovery document is fetched first. Register the redirect URI
                    <PUBLIC_URL>/sign-in/identity-provider with the provider. --client-secret -
                    reads the secret from standard input (out of the shell's history and the
                    process list); it may be left out when changing a provider (the stored one
                    stays).
                    --required: link and password sign-in are refused for its domains;
                    --allow-new-accounts: people it vouches for get an account uninvited.
  remove-identity-provider --zone <zone id>
  issue-scim-token  --zone <zone id>
                    prints a new SCIM token for the zone's identity provider (shown once), and
                    the SCIM base URL to give it; a token the zone had stops working at once
  revoke-scim-token --zone <zone id>
                    the zone's identity provider can no longer provision (its people stay as
                    they are)`;

/** Commands that change SQL rows only, never documents: safe beside a running server. */
const SQL_ONLY = new Set([
	'list',
	'add-zone-member',
	'register-portal',
	'revoke-portal',
	'list-portals',
	'set-identity-provider',
	'remove-identity-provider',
	'issue-scim-token',
	'revoke-scim-token'
]);

const [command, ...rest] = process.argv.slice(2);
const HELP = new Set(['help', '--help', '-h']);
// Asking for the usage is no mistake: it goes to stdout with success, before anything is opened.
if (HELP.has(command ?? '') || rest.some((arg) => HELP.has(arg))) {
	console.log(USAGE);
	process.exit(0);
}
const { values, positionals } = parseArgs({
	args: rest,
	allowPositionals: true,
	options: {
		name: { type: 'string' },
		mode: { type: 'string' },
		'network-zone': { type: 'string' },
		'institution-zone': { type: 'string', multiple: true },
		consortium: { type: 'string' },
		'owner-zone': { type: 'string' },
		project: { type: 'string', multiple: true },
		email: { type: 'string' },
		zone: { type: 'string' },
		origin: { type: 'string', multiple: true },
		portal: { type: 'string' },
		issuer: { type: 'string' },
		'client-id': { type: 'string' },
		'client-secret': { type: 'string' },
		domain: { type: 'string', multiple: true },
		required: { type: 'boolean' },
		'allow-new-accounts': { type: 'boolean' }
	},
	strict: true
});

/** Commands that take their arguments by position: `remove-admin <project id> <email>`. */
const POSITIONAL = new Set(['remove-admin']);
if (positionals.length > 0 && !POSITIONAL.has(command ?? ''))
	fail(`Unexpected argument "${positionals[0]}".\n\n${USAGE}`);

const config = readConfig();
const changesDocuments = !SQL_ONLY.has(command ?? '');
const lock = changesDocuments ? lockDataDirectory(config.dataDir) : null;
if (lock && !lock.ok)
	fail(
		`The console server (pid ${lock.ownerPid}) is running on ${config.dataDir}: stop it, then run this again.`
	);
const db = openConsoleDatabase(config.databasePath);
const auth: AuthDb = { db, settings: { ...config.auth, now: Date.now } };
// The command's own output is its standard output; what goes wrong underneath, its standard error.
const log = createLogger({ level: 'warn', format: 'readable' }, process.stderr);
const registry = new DocumentRegistry(sqliteDocumentStore(db), projectDirectory(db), { log });
registry.use(workflowIndexes(db, Date.now), {
	name: 'projects into user documents',
	onAccepted: projectMembershipIntoUserDocuments(registry)
});
const site = { url: config.publicUrl ?? `http://localhost:${config.port || 3000}`, origin: '' };

try {
	switch (command) {
		case 'list':
			list();
			break;
		case 'create-consortium':
			createConsortiumCommand();
			break;
		case 'create-project':
			createProjectCommand();
			break;
		case 'invite-admin':
			inviteAdminCommand();
			break;
		case 'add-zone-member':
			addZoneMemberCommand();
			break;
		case 'register-portal':
			registerPortalCommand();
			break;
		case 'revoke-portal':
			revokePortalCommand();
			break;
		case 'list-portals':
			listPortalsCommand();
			break;
		case 'remove-admin':
			removeAdminCommand();
			break;
		case 'set-identity-provider':
			await setIdentityProviderCommand();
			break;
		case 'remove-identity-provider':
			removeIdentityProviderCommand();
			break;
		case 'issue-scim-token':
			issueScimTokenCommand();
			break;
		case 'revoke-scim-token':
			revokeScimTokenCommand();
			break;
		default:
			fail(USAGE);
	}
} finally {
	registry.close();
	db.close();
	if (lock?.ok) lock.release();
}

function list(): void {
	for (const summary of listConsortia(db)) {
		const consortium = findConsortium(db, summary.id)!;
		console.log(`${consortium.name} (${consortium.mode}) id=${consortium.id}`);
		const providers = new Map(
			listConsortiumProviders(db, consortium.id).map((provider) => [provider.zoneId, provider])
		);
		for (const zone of consortium.zones) {
			console.log(
				`  zone ${zone.kind === 'network' ? 'NZ' : 'IZ'} ${zone.name} id=${zone.id} ${zone.emailDomains.join(', ')}`
			);
			const provider = providers.get(zone.id);
			if (provider)
				console.log(
					`    identity provider ${provider.issuer} client=${provider.clientId} domains=${provider.emailDomains.join(',')}${provider.required ? ' required' : ''}${provider.allowNewAccounts ? ' allows-new-accounts' : ''}`
				);
		}
		for (const project of listProjectRecords(db, consortium.id))
			console.log(`  project ${project.name} id=${project.id} owner=${project.ownerZoneId}`);
	}
}

function zoneOption(value: string, kind: 'network' | 'institution') {
	const [name, domains] = value.split(':');
	return {
		kind,
		name: required(NameSchema, name, 'zone name'),
		emailDomains: domains ? domains.split(',').map((domain) => domain.trim()) : []
	};
}

function createConsortiumCommand(): void {
	const mode = required(ManagementModeSchema, values.mode, '--mode');
	const network = values['network-zone'] ?? fail('--network-zone is required');
	const consortium = createConsortium(db, {
		name: required(NameSchema, values.name, '--name'),
		mode,
		zones: [
			zoneOption(network, 'network'),
			...(values['institution-zone'] ?? []).map((zone) => zoneOption(zone, 'institution'))
		]
	});
	console.log(`Created ${consortium.name} (${consortium.mode}) id=${consortium.id}`);
	for (const zone of consortium.zones) console.log(`  zone ${zone.name} id=${zone.id}`);
}

function createProjectCommand(): void {
	const consortium =
		findConsortium(db, values.consortium ?? fail('--consortium is required')) ??
		fail('No such consortium.');
	try {
		const project = createProject(db, registry, consortium, {
			name: required(NameSchema, values.name, '--name'),
			ownerZoneId: values['owner-zone']
		});
		console.log(`Created project ${project.name} id=${project.id}`);
	} catch (error) {
		if (error instanceof ProjectPlacementError) fail(error.message);
		throw error;
	}
}

function inviteAdminCommand(): void {
	const projectId = oneProject();
	const record = findProjectRecord(db, projectId) ?? fail('No such project.');
	const email = required(EmailSchema, values.email, '--email');
	const mailer = new Mailer(db, { from: config.mailFrom, smtpUrl: config.smtpUrl, log });
	const outcome = inviteFirstAdmin(
		{ ...auth, registry, mailer, site },
		{ projectId, email, zoneId: values.zone }
	);
	if (!outcome.ok) fail(`Not invited: ${outcome.message}`);
	if (outcome.kind === 'added')
		console.log(`${email} already had an account: now a Project Admin of ${record.name}.`);
	else
		console.log(
			`Invited ${email} as Project Admin of ${record.name}. The mail goes out when the server starts; the link:\n  ${outcome.link}`
		);
}

function addZoneMemberCommand(): void {
	const zoneId = values.zone ?? fail('--zone is required');
	const zone =
		(db.prepare('SELECT id, name, kind FROM zones WHERE id = ?').get(zoneId) as
			{ id: string; name: string; kind: string } | undefined) ?? fail('No such zone.');
	const email = required(EmailSchema, values.email, '--email');
	let account = findAccountByEmail(db, email);
	if (!account) {
		const name = required(NameSchema, values.name ?? email.split('@')[0], '--name');
		const created = createAccount(auth, { email, name });
		account = created.ok ? created.account : findAccountByEmail(db, email)!;
		console.log(`Created the account of ${email}.`);
	}
	addZonePerson(db, zone.id, account.id, 'office', Date.now());
	console.log(
		`${email} belongs to ${zone.name} (${zone.kind === 'network' ? 'Network Zone' : 'Institution Zone'}).`
	);
}

/** The office may have a portal serve any projects of one consortium (the console asks more). */
function registerPortalCommand(): void {
	if (values.consortium !== undefined)
		fail('register-portal takes --project (once per project), not --consortium.');
	const projects = (values.project ?? []).map(
		(id) => findProjectRecord(db, id) ?? fail(`--project: no project with id ${id}.`)
	);
	const consortiumId = projects[0]?.consortiumId ?? fail('--project is required.');
	const elsewhere = projects.find((project) => project.consortiumId !== consortiumId);
	if (elsewhere)
		fail(`--project: ${elsewhere.id} is in another consortium than ${projects[0]!.id}.`);
	const parsed = RegisterPortalRequestSchema.safeParse({
		name: values.name,
		origins: values.origin ?? [],
		projectIds: projects.map((project) => project.id)
	});
	if (!parsed.success) {
		const { path, message } = firstIssue(parsed.error);
		const option = { name: 'name', origins: 'origin', projectIds: 'project' }[path.split('.')[0]!];
		fail(`--${option ?? 'name'}: ${message}`);
	}
	const consortium = findConsortium(db, consortiumId)!;
	const { portal, apiKey } = registerPortal(auth, consortiumId, parsed.data, null);
	mailPortalChange(officeMail(), portal, {
		change: 'registered',
		actorId: null,
		actorName: `The ${consortium.name} office`
	});
	console.log(`Registered portal ${portal.name} id=${portal.id} for ${consortium.name}`);
	console.log(`  projects: ${portal.projectIds.join(' ')}`);
	console.log(`  origins: ${portal.origins.join(' ')}`);
	console.log(`  API key (shown only now; keep it on the portal's server):\n  ${apiKey}`);
}

function revokePortalCommand(): void {
	const portalId = values.portal ?? fail('--portal is required');
	if (!revokePortal(auth, portalId, null)) fail('No such active portal.');
	const portal = findPortal(db, portalId)!;
	mailPortalChange(officeMail(), portal, {
		change: 'revoked',
		actorId: null,
		actorName: `The ${findConsortium(db, portal.consortiumId)!.name} office`
	});
	console.log(`Revoked portal ${portalId}.`);
}

/** What telling a portal's Project Admins needs: mail goes to the outbox the server sends. */
function officeMail() {
	return {
		db,
		mailer: new Mailer(db, { from: config.mailFrom, smtpUrl: config.smtpUrl, log }),
		site
	};
}

function listPortalsCommand(): void {
	for (const portal of listPortals(db, values.consortium)) {
		const status = portal.revokedAt
			? `revoked ${new Date(portal.revokedAt).toISOString()}`
			: 'active';
		console.log(
			`${portal.name} id=${portal.id} consortium=${portal.consortiumId} ${status}\n  projects: ${portal.projectIds.join(' ')}\n  origins: ${portal.origins.join(' ')}`
		);
	}
}

function removeAdminCommand(): void {
	const [projectArg, emailArg, ...more] = positionals;
	if (more.length > 0) fail(`remove-admin takes a project and an address, not "${more[0]}".`);
	const projectId = projectArg ?? oneProject();
	const email = required(EmailSchema, emailArg ?? values.email, 'the address');
	const removal = removeProjectAdmin(registry, projectId, email);
	if (!removal.ok) fail(`Not removed: ${removal.message}`);
	const { member, project } = removal;
	const mailer = new Mailer(db, { from: config.mailFrom, smtpUrl: config.smtpUrl, log });
	mailer.enqueue(
		removedByOfficeMail({
			site,
			to: member.email,
			projectName: project.name,
			consortiumName: project.consortiumName
		})
	);
	console.log(
		`Removed ${member.name || member.email} (${member.email}), Project Admin, from ${project.name}. The audit log records it as a server change; the mail to them goes out when the server starts.`
	);
}

async function setIdentityProviderCommand(): Promise<void> {
	const zoneId = values.zone ?? fail('--zone is required');
	const parsed = IdentityProviderInputSchema.safeParse({
		issuer: values.issuer,
		clientId: values['client-id'],
		clientSecret: await clientSecretOption(),
		emailDomains: values.domain ?? [],
		required: values.required ?? false,
		allowNewAccounts: values['allow-new-accounts'] ?? false
	});
	if (!parsed.success) {
		const { path, message } = firstIssue(parsed.error);
		const option = {
			issuer: 'issuer',
			clientId: 'client-id',
			clientSecret: 'client-secret',
			emailDomains: 'domain'
		}[path.split('.')[0]!];
		fail(`--${option ?? 'domain'}: ${message}`);
	}
	const set = await setZoneProvider(
		{ db, box: new SecretBox(config.identitySecretKey) },
		zoneId,
		parsed.data,
		{ accountId: null, at: Date.now() }
	);
	if (!set.ok) fail(`Not set: ${set.message}`);
	const { provider } = set;
	console.log(
		`${provider.zoneName} signs in through ${provider.issuer} (client ${provider.clientId}) for ${provider.emailDomains.join(', ')}${provider.required ? '; link and password sign-in are refused there' : ''}${provider.allowNewAccounts ? '; it may create accounts' : ''}.`
	);
	console.log(
		`  Register this redirect URI with the provider: ${site.url}${IDENTITY_PROVIDER_CALLBACK_PATH}`
	);
}

/**
 * `--client-secret <secret>`, or with `-` the secret on standard input (its last line break
 * left out): a command's arguments are in the shell's history and readable by every local user
 * while it runs (`ps`, /proc/<pid>/cmdline).
 */
async function clientSecretOption(): Promise<string | undefined> {
	const given = values['client-secret'];
	if (given !== '-') return given;
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks)
		.toString('utf8')
		.replace(/\r?\n$/, '');
}

function removeIdentityProviderCommand(): void {
	const zoneId = values.zone ?? fail('--zone is required');
	const removed = removeZoneProvider(db, zoneId, { accountId: null, at: Date.now() });
	if (!removed.ok) fail(`Not removed: ${removed.message}`);
	console.log(
		`Removed the identity provider of zone ${zoneId}: its people sign in by link or password.`
	);
}

function issueScimTokenCommand(): void {
	const issued = issueTokenByOffice(db, values.zone ?? fail('--zone is required'), Date.now());
	if (!issued.ok) fail(issued.message);
	console.log(
		`${issued.replaced ? 'Replaced' : 'Issued'} the SCIM token of ${issued.zone.name}${issued.replaced ? ': the old one no longer works' : ''}.`
	);
	console.log(`  SCIM base URL: ${site.url}${SCIM_BASE_PATH}`);
	console.log(
		`  token (shown only now; give it to the zone's identity provider):\n  ${issued.token}`
	);
}

function revokeScimTokenCommand(): void {
	const revoked = revokeTokenByOffice(db, values.zone ?? fail('--zone is required'), Date.now());
	if (!revoked.ok) fail(revoked.message);
	console.log(`Revoked the SCIM token of ${revoked.zone.name}.`);
}

/** The one `--project` of commands about a single project. */
function oneProject(): string {
	const [projectId, ...more] = values.project ?? [];
	if (more.length > 0) fail('--project: give one project.');
	return projectId ?? fail('--project is required');
}

function required<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
	const parsed = schema.safeParse(value);
	if (!parsed.success) fail(`${what}: ${formatIssues(parsed.error)}`);
	return parsed.data;
}

function fail(message: string): never {
	console.error(message);
	process.exit(1);
}
