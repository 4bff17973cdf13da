/**
 * Stopping cleanly: the first SIGTERM or SIGINT asks the engine to stop (it tells systemd
 * STOPPING=1, stops intake, lets in-flight work finish, flushes and closes, exits 0); a second
 * one means "now" and exits 1 at once — SQLite's WAL keeps the database consistent either way.
 */
export class ShutdownController {
  private resolve!: (reason: string) => void;
  /** Resolves with the reason once a stop has been asked for. */
  readonly requested: Promise<string>;
  reason: string | null = null;

  constructor() {
    this.requested = new Promise((r) => (this.resolve = r));
  }

  get isRequested(): boolean {
    return this.reason !== null;
  }

  request(reason: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    this.resolve(reason);
  }
}

/** Routes SIGTERM/SIGINT to the controller; returns the function that removes the handlers. */
export function installSignalHandlers(ctl: ShutdownController, onForced: (signal: string) => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (ctl.isRequested) onForced(signal);
    else ctl.request(signal);
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
  return () => {
    process.off("SIGTERM", handler);
    process.off("SIGINT", handler);
  };
}
