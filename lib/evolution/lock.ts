/**
 * One evolution loop per champion: an exclusive lock file holding the owner's pid. A lock left by
 * a dead process (crash, kill -9) is taken over; a live owner makes the second loop exit.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";

export interface Lock {
  path: string;
  release(): void;
}

export class LockHeld extends Error {
  constructor(readonly path: string, readonly pid: number) {
    super(`${path} is held by running process ${pid}: another evolution loop is working on this champion`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
}

export function acquireLock(path: string): Lock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            if (Number(readFileSync(path, "utf8").trim()) === process.pid) rmSync(path, { force: true });
          } catch {}
        },
      };
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST") throw err;
      let pid = NaN;
      try {
        pid = Number(readFileSync(path, "utf8").trim());
      } catch {}
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new LockHeld(path, pid);
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`${path}: could not take the lock`);
}
