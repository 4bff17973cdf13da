/**
 * known_wallets.json: wallets people want the engine to recognise (our own wallets, tracked
 * traders, creators to block), edited by hand while ferrix runs and picked up without a restart.
 *
 * Accepted shapes:
 *   ["<address>", …]
 *   [{"address": "<address>", "label": "dev team", "tags": ["blocklist"]}, …]
 *   {"wallets": [ …either of the above… ]}
 *   {"<address>": "label", "<address>": {"label": "…", "tags": […]}, …}
 * The tag `blocklist` on a creator makes the checker reject that creator's tokens.
 *
 * Reloading: fs.watch on the directory (editors replace the file by rename, which a watch on the
 * file itself would miss) plus polling of (mtime, size, inode) as the fallback for filesystems
 * where fs.watch is silent. A file that does not parse keeps the previous list in force and the
 * log says why; a file that disappears keeps it too. At start there is no previous list: a file
 * that is there but does not parse stops the engine (its block list would silently be empty),
 * while a missing file starts with none.
 */
import { isAddress } from "@solana/kit";
import { readFileSync, statSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import type { KnownWalletView } from "../checker";
import type { Logger } from "../log";
import type { Metrics } from "../metrics";

export interface KnownWallet {
  address: string;
  label: string | null;
  tags: string[];
}

export class KnownWalletsError extends Error {
  override name = "KnownWalletsError";
}

function entryOf(x: unknown, where: string, addressFromKey?: string): KnownWallet {
  if (typeof x === "string") {
    if (addressFromKey !== undefined) return checked({ address: addressFromKey, label: x, tags: [] }, where);
    return checked({ address: x, label: null, tags: [] }, where);
  }
  if (x === null || typeof x !== "object" || Array.isArray(x)) throw new KnownWalletsError(`${where}: expected an address string or an object, got ${x === null ? "null" : Array.isArray(x) ? "an array" : typeof x}`);
  const o = x as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!["address", "label", "tags"].includes(k)) throw new KnownWalletsError(`${where}: unknown key '${k}' (expected address, label, tags)`);
  }
  const address = addressFromKey ?? o.address;
  if (typeof address !== "string") throw new KnownWalletsError(`${where}: 'address' must be a string`);
  if (o.label !== undefined && o.label !== null && typeof o.label !== "string") throw new KnownWalletsError(`${where}: 'label' must be a string`);
  const tags = o.tags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== "string")) throw new KnownWalletsError(`${where}: 'tags' must be an array of strings`);
  return checked({ address, label: (o.label as string | null | undefined) ?? null, tags: tags as string[] }, where);
}

function checked(w: KnownWallet, where: string): KnownWallet {
  if (!isAddress(w.address)) throw new KnownWalletsError(`${where}: '${w.address}' is not a Solana address`);
  return w;
}

/** Parses and validates the file text; throws KnownWalletsError naming the entry at fault. */
export function parseKnownWallets(text: string, source: string): KnownWallet[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new KnownWalletsError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  let list: KnownWallet[];
  if (Array.isArray(doc)) list = doc.map((x, i) => entryOf(x, `${source}: entry ${i}`));
  else if (doc !== null && typeof doc === "object") {
    const o = doc as Record<string, unknown>;
    if (Object.keys(o).length === 1 && Array.isArray(o.wallets)) list = (o.wallets as unknown[]).map((x, i) => entryOf(x, `${source}: wallets[${i}]`));
    else list = Object.entries(o).map(([k, x]) => entryOf(x, `${source}: key '${k}'`, k));
  } else throw new KnownWalletsError(`${source}: expected a JSON array or object`);
  const seen = new Set<string>();
  for (const w of list) {
    if (seen.has(w.address)) throw new KnownWalletsError(`${source}: ${w.address} is listed twice`);
    seen.add(w.address);
  }
  return list;
}

export interface KnownWalletsOptions {
  path: string;
  pollMs: number;
  logger: Logger;
  metrics?: Metrics;
  /** Called after each successful (re)load with the new list. */
  onChange?: (wallets: readonly KnownWallet[]) => void;
}

/** Holds the current list and keeps it in step with the file. */
export class KnownWalletsWatcher implements KnownWalletView {
  private byAddress = new Map<string, KnownWallet>();
  private signature: string | null = null;
  private watcher: FSWatcher | null = null;
  private poller: ReturnType<typeof setInterval> | null = null;
  private debounce: ReturnType<typeof setTimeout> | null = null;
  /** Successful loads so far (the first counts). */
  loads = 0;
  /** Rejected versions of the file so far. */
  rejections = 0;
  /** Why the last rejected version was rejected. */
  lastError: string | null = null;

  constructor(private readonly opts: KnownWalletsOptions) {}

  get size(): number {
    return this.byAddress.size;
  }

  get(address: string): KnownWallet | undefined {
    return this.byAddress.get(address);
  }

  tagsOf(address: string): readonly string[] | undefined {
    return this.byAddress.get(address)?.tags;
  }

  list(): KnownWallet[] {
    return [...this.byAddress.values()];
  }

  private fileSignature(): string | null {
    try {
      const st = statSync(this.opts.path);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return null;
    }
  }

  /** Reads the file if it changed since the last look. Returns what happened. */
  check(force = false): "unchanged" | "loaded" | "rejected" | "missing" {
    const sig = this.fileSignature();
    if (!force && sig === this.signature) return "unchanged";
    const previous = this.signature;
    this.signature = sig;
    const { path, logger, metrics } = this.opts;
    if (sig === null) {
      if (previous !== null) logger.warn({ path, kept: this.byAddress.size }, "known wallets file is gone; keeping the previous list");
      else if (force) logger.info({ path }, "no known wallets file; starting with none (it is picked up when it appears)");
      return "missing";
    }
    let wallets: KnownWallet[];
    try {
      wallets = parseKnownWallets(readFileSync(path, "utf8"), path);
    } catch (err) {
      this.rejections++;
      this.lastError = (err as Error).message;
      metrics?.knownWalletsReloads.inc({ result: "rejected" });
      logger.warn({ path, error: (err as Error).message, kept: this.byAddress.size }, "known wallets file rejected; keeping the previous list");
      return "rejected";
    }
    this.byAddress = new Map(wallets.map((w) => [w.address, w]));
    this.loads++;
    metrics?.knownWalletsReloads.inc({ result: "ok" });
    metrics?.knownWallets.set(this.byAddress.size);
    logger.info({ path, wallets: this.byAddress.size, blocklisted: wallets.filter((w) => w.tags.includes("blocklist")).length }, this.loads === 1 ? "known wallets loaded" : "known wallets reloaded");
    this.opts.onChange?.(wallets);
    return "loaded";
  }

  /** First load, then watch and poll. Throws KnownWalletsError when the file is there but unusable. */
  start(): void {
    if (this.check(true) === "rejected") {
      throw new KnownWalletsError(`${this.lastError}; refusing to start without its list (fix the file, or remove it to start with no known wallets)`);
    }
    const dir = dirname(this.opts.path) || ".";
    const name = basename(this.opts.path);
    try {
      this.watcher = watch(dir, { persistent: false }, (_event, filename) => {
        if (filename !== null && filename !== name) return;
        // Editors write in several steps; look once things settle.
        if (this.debounce) clearTimeout(this.debounce);
        this.debounce = setTimeout(() => this.check(), 50);
      });
      this.watcher.on("error", (err) => this.opts.logger.warn({ error: err.message }, "fs.watch on known wallets failed; polling only"));
    } catch (err) {
      this.opts.logger.warn({ dir, error: (err as Error).message }, "fs.watch unavailable for known wallets; polling only");
    }
    this.poller = setInterval(() => this.check(), this.opts.pollMs);
    (this.poller as { unref?: () => void }).unref?.();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.poller) clearInterval(this.poller);
    if (this.debounce) clearTimeout(this.debounce);
    this.poller = null;
    this.debounce = null;
  }
}
