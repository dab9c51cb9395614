import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Thrown when another live process holds the data folder. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `The data folder ${dataDir} is in use by another Liaison process (pid ${holder.pid}, started ${holder.startedAt}). ` +
        "Stop that process first, or point LIAISON_DATA_DIR (--data-dir) at another folder.",
    );
  }
}

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

export interface DataDirLock {
  path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM means the process exists but belongs to someone else: still alive.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the exclusive lock on an embedded-database folder. PGlite has no lock of its own and two
 * processes writing one folder silently lose data, so this must succeed before PGlite opens it.
 *
 * The lock is a file created with O_EXCL holding the owner's pid. A lock left by a process that
 * died (same host, pid gone) is taken over; a lock from another host is never taken over, since
 * we cannot tell whether that process lives.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, "liaison.lock");
  const me: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, "wx", 0o600);
      fs.writeSync(fd, JSON.stringify(me));
      fs.closeSync(fd);
      let released = false;
      return {
        path: lockPath,
        release() {
          if (released) return;
          released = true;
          try {
            const current = JSON.parse(fs.readFileSync(lockPath, "utf8")) as LockInfo;
            if (current.pid === me.pid && current.host === me.host) fs.unlinkSync(lockPath);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    let holder: LockInfo;
    try {
      holder = JSON.parse(fs.readFileSync(lockPath, "utf8")) as LockInfo;
    } catch {
      // Unreadable or half-written lock: treat it as held, never guess.
      holder = { pid: -1, host: "unknown", startedAt: "unknown" };
    }
    const stale = holder.host === me.host && holder.pid > 0 && holder.pid !== me.pid && !isAlive(holder.pid);
    if (!stale) throw new DataDirLockedError(dataDir, holder);
    fs.rmSync(lockPath, { force: true });
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}
