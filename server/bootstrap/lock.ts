/**
 * One process at a time owns a data directory's documents: the server holds them in memory and
 * writes with its own clientID, so a second writer (another server, or an admin command) would
 * corrupt them. The owner records its pid in `<data>/owner.lock`; a lock whose process is gone
 * (a crash) is taken over.
 */
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, succeed, type Outcome } from '../../src/lib/shared/outcome';

export type LockResult = Outcome<
	{ release: () => void },
	'data-directory-in-use',
	{ ownerPid: number }
>;

/** Takeovers of a dead owner's lock before giving up (two processes racing for it). */
const ATTEMPTS = 5;

export function lockDataDirectory(dataDir: string): LockResult {
	mkdirSync(dataDir, { recursive: true });
	const path = join(dataDir, 'owner.lock');
	const release = () => rmSync(path, { force: true });
	// The pid is written aside, then linked into place: the link either creates the lock, already
	// holding the pid, or fails because the lock exists. Taking it is one step, so no other
	// process can take it between a look and a write.
	const mine = `${path}.${process.pid}`;
	writeFileSync(mine, String(process.pid));
	try {
		for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
			if (created(mine, path)) return succeed({ release });
			const ownerPid = readOwner(path);
			if (ownerPid === null) continue; // released meanwhile: try again
			if (ownerPid === process.pid) return succeed({ release });
			if (isAlive(ownerPid)) {
				return fail('data-directory-in-use', `Process ${ownerPid} is using ${dataDir}.`, {
					ownerPid
				});
			}
			rmSync(path, { force: true });
		}
		throw new Error(`Could not take ${path}: other processes keep taking it.`);
	} finally {
		rmSync(mine, { force: true });
	}
}

function created(source: string, path: string): boolean {
	try {
		linkSync(source, path);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	}
}

/** The pid in the lock, 0 when it holds none that could be alive; null when the lock is gone. */
function readOwner(path: string): number | null {
	try {
		const pid = Number(readFileSync(path, 'utf8').trim());
		return Number.isInteger(pid) && pid > 0 ? pid : 0;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw error;
	}
}

function isAlive(pid: number): boolean {
	// `kill(0, 0)` would ask about our own process group, not a process.
	if (pid === 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
