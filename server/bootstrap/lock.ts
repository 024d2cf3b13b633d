/**
 * One process at a time owns a data directory's documents: the server holds them in memory and
 * writes with its own clientID, so a second writer (another server, or an admin command) would
 * corrupt them. The owner records its pid in `<data>/owner.lock`; a lock whose process is gone
 * (a crash) is taken over.
 */
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type LockResult = { ok: true; release: () => void } | { ok: false; ownerPid: number };

export function lockDataDirectory(dataDir: string): LockResult {
	mkdirSync(dataDir, { recursive: true });
	const path = join(dataDir, 'owner.lock');
	if (existsSync(path)) {
		const ownerPid = Number(readFileSync(path, 'utf8').trim());
		if (Number.isInteger(ownerPid) && ownerPid !== process.pid && isAlive(ownerPid))
			return { ok: false, ownerPid };
	}
	writeFileSync(path, String(process.pid));
	return { ok: true, release: () => rmSync(path, { force: true }) };
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
