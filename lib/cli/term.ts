/** Terminal facts in one place: colour only on a TTY without NO_COLOR, progress only on a TTY. */
const colorOn = (): boolean =>
  !("NO_COLOR" in process.env && process.env.NO_COLOR !== "") && process.stderr.isTTY === true && process.env.TERM !== "dumb";

const wrap = (open: string, close: string) => (s: string) => (colorOn() ? `\x1b[${open}m${s}\x1b[${close}m` : s);

export const style = {
  bold: wrap("1", "22"),
  dim: wrap("2", "22"),
  red: wrap("31", "39"),
  green: wrap("32", "39"),
  yellow: wrap("33", "39"),
  cyan: wrap("36", "39"),
};

export const stderrIsTTY = (): boolean => process.stderr.isTTY === true;

export interface Progress {
  /** Report `done` of `total` (total 0 = unknown); rate-limited. */
  update(done: number, total?: number, note?: string): void;
  done(note?: string): void;
}

/**
 * Progress on stderr: a redrawn line on a terminal; with `everyMs` also a plain line every
 * few seconds when stderr is not a terminal (for logs under systemd or cron). Silent otherwise.
 */
export function createProgress(label: string, opts: { everyMs?: number; unit?: string } = {}): Progress {
  const tty = stderrIsTTY();
  const started = performance.now();
  let last = 0;
  const unit = opts.unit ?? "";
  const line = (done: number, total: number, note?: string) => {
    const secs = (performance.now() - started) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const pct = total > 0 ? ` ${((100 * done) / total).toFixed(1)}%` : "";
    const eta = total > 0 && rate > 0 ? ` eta ${formatDuration((total - done) / rate)}` : "";
    return `${label}${pct} ${formatCount(done)}${total > 0 ? "/" + formatCount(total) : ""}${unit} ${formatCount(rate)}${unit}/s${eta}${note ? " " + note : ""}`;
  };
  return {
    update(done, total = 0, note) {
      const now = performance.now();
      if (tty) {
        if (now - last < 100) return;
        last = now;
        process.stderr.write(`\r\x1b[2K${line(done, total, note)}`);
      } else if (opts.everyMs) {
        if (now - last < opts.everyMs) return;
        last = now;
        process.stderr.write(line(done, total, note) + "\n");
      }
    },
    done(note) {
      if (tty) process.stderr.write(`\r\x1b[2K${note ? label + " " + note + "\n" : ""}`);
    },
  };
}

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(2) + "G";
  if (a >= 1e6) return (n / 1e6).toFixed(2) + "M";
  if (a >= 1e4) return (n / 1e3).toFixed(1) + "k";
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h${Math.round((seconds % 3600) / 60)}m`;
}
