/**
 * Progress on stderr: on a terminal a redrawn bar with fold-evaluations per second and ETA; not on
 * a terminal (systemd, cron, the evolution loop's log) one plain line every `everyMs`.
 *
 *   optimize [██████████░░░░░░░░░░]  48.2%  1.21M/2.50M fold-evals  41.3k/s  eta 31s  stage 2/3 trail  best 1.2345
 */
import { formatCount, formatDuration, stderrIsTTY } from "../cli/term";

export interface ProgressSink {
  update(done: number, total: number, note: string): void;
  done(): void;
}

export function createOptimizeProgress(opts: { everyMs?: number; tty?: boolean; write?: (s: string) => void; label?: string } = {}): ProgressSink {
  const tty = opts.tty ?? stderrIsTTY();
  const write = opts.write ?? ((s: string) => void process.stderr.write(s));
  const everyMs = opts.everyMs ?? 5000;
  const label = opts.label ?? "optimize";
  const started = performance.now();
  let last = -Infinity;
  let drawn = false;
  const line = (done: number, total: number, note: string, bar: boolean) => {
    const secs = (performance.now() - started) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const eta = total > 0 && rate > 0 ? formatDuration(Math.max(0, total - done) / rate) : "?";
    const width = 20;
    const filled = Math.round(frac * width);
    const b = bar ? ` [${"█".repeat(filled)}${"░".repeat(width - filled)}]` : "";
    return `${label}${b} ${(100 * frac).toFixed(1).padStart(5)}%  ${formatCount(done)}/${formatCount(total)} fold-evals  ${formatCount(rate)}/s  eta ${eta}  ${note}`;
  };
  return {
    update(done, total, note) {
      const now = performance.now();
      if (tty) {
        if (now - last < 100) return;
        last = now;
        drawn = true;
        write(`\r\x1b[2K${line(done, total, note, true)}`);
      } else {
        if (now - last < everyMs) return;
        last = now;
        write(line(done, total, note, false) + "\n");
      }
    },
    done() {
      if (tty && drawn) write("\r\x1b[2K");
    },
  };
}
