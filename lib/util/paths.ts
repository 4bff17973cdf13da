/**
 * Default locations of the shared-memory hand-off files (DESIGN §2). /dev/shm keeps them off the
 * disk; where it is missing (macOS, some containers) the OS temp directory stands in, said once.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let warned = false;

export function shmDir(onFallback?: (msg: string) => void): string {
  if (existsSync("/dev/shm")) return "/dev/shm";
  if (!warned) {
    warned = true;
    (onFallback ?? ((m) => process.stderr.write(m + "\n")))(`/dev/shm is missing; using ${tmpdir()} for status and flag files`);
  }
  return tmpdir();
}

export const defaultStatusFile = () => join(shmDir(), "ferrix_status.json");
export const defaultPendingUpdateFlag = () => join(shmDir(), "ferrix_pending_update");
export const defaultCvDegradedFlag = () => join(shmDir(), "ferrix_cv_degraded");
