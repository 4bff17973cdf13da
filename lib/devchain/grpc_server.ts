/**
 * The simulator's Yellowstone gRPC endpoint (@grpc/grpc-js server on the embedded proto):
 * `Subscribe` with transaction filters honoured as the geyser plugin does (account_include any,
 * account_exclude none, account_required all, vote / failed), slot updates, from_slot replay from
 * the bounded history ("… is not available" once trimmed), stream pings every few seconds and
 * pongs for client pings, optional x-token check. Test controls: drop every stream now, stall
 * every stream for a while (updates are held back, as a flow-control stall holds them).
 * Transaction updates go out pre-encoded (stream_encode.ts): the same bytes proto-loader would
 * write, made once per transaction instead of once per write.
 */
import * as grpc from "@grpc/grpc-js";
import { type SubscribeRequest, type SubscribeRequestFilterTransactions, type SubscribeUpdate } from "../chain/proto.ts";
import type { ChainUpdate, Devchain } from "./chain.ts";
import { encodedTransactionInfo, encodeTransactionUpdate, geyserServiceWithPassthrough } from "./stream_encode.ts";

export interface GrpcServerOptions {
  host?: string;
  port?: number;
  /** When set, Subscribe requires this x-token. */
  xToken?: string;
  /** Server stream pings; default 10 s (as Yellowstone). */
  pingIntervalMs?: number;
}

interface Filters {
  transactions: [string, SubscribeRequestFilterTransactions][];
  slots: string[];
}

/** A message object, or its serialized bytes (passed through by the Subscribe serializer). */
type Outgoing = SubscribeUpdate | Buffer;
type Call = grpc.ServerDuplexStream<SubscribeRequest, Outgoing>;

interface Session {
  call: Call;
  filters: Filters | null;
  /** Held-back updates while stalled. */
  stalledUntilMono: number;
  held: Outgoing[];
  unsubscribe: (() => void) | null;
  closed: boolean;
  /** Last update seq written (replay then live without gaps or repeats). */
  lastSeq: number;
}

/**
 * Ends a server stream with an error status. grpc-js turns an 'error' emitted on a server stream
 * into the call's status (destroy() does not reach the client under Bun).
 */
function endWithStatus(call: Call, code: grpc.status, details: string): void {
  call.emit("error", Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() }));
}

function toTimestamp(ms: number): { seconds: string; nanos: number } {
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

function parseFilters(req: SubscribeRequest): Filters {
  return { transactions: Object.entries(req.transactions ?? {}), slots: Object.keys(req.slots ?? {}) };
}

/** Filter names of `filters` that a transaction update matches. */
export function matchTransaction(filters: readonly [string, SubscribeRequestFilterTransactions][], keys: ReadonlySet<string>, failed: boolean, isVote: boolean): string[] {
  const names: string[] = [];
  for (const [name, f] of filters) {
    if (f.vote === false && isVote) continue;
    if (f.vote === true && !isVote) continue;
    if (f.failed === false && failed) continue;
    if (f.failed === true && !failed) continue;
    const include = f.account_include ?? [];
    if (include.length > 0 && !include.some((a) => keys.has(a))) continue;
    if ((f.account_exclude ?? []).some((a) => keys.has(a))) continue;
    if (!(f.account_required ?? []).every((a) => keys.has(a))) continue;
    names.push(name);
  }
  return names;
}

export class DevchainGrpcServer {
  private readonly server = new grpc.Server({ "grpc.max_send_message_length": 64 * 1024 * 1024, "grpc.max_receive_message_length": 16 * 1024 * 1024 });
  private readonly sessions = new Set<Session>();
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private unsubscribeEncoder: (() => void) | null = null;
  private _port = 0;
  /** Subscribe calls accepted / refused for a bad token. */
  readonly stats = { subscribes: 0, unauthenticated: 0, replays: 0, replayUnavailable: 0, clientPings: 0 };

  constructor(
    private readonly chain: Devchain,
    private readonly opts: GrpcServerOptions = {},
  ) {
    const service = geyserServiceWithPassthrough();
    this.server.addService(service, {
      Subscribe: (call: Call) => this.onSubscribe(call),
      Ping: (call: grpc.ServerUnaryCall<{ count: number }, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, { count: call.request.count }),
      GetSlot: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { slot: String(chain.slot) }),
      GetLatestBlockhash: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => {
        const b = chain.latestBlockhash();
        cb(null, { slot: String(b.slot), blockhash: b.blockhash, last_valid_block_height: String(b.lastValidBlockHeight) });
      },
      GetBlockHeight: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { block_height: String(chain.blockHeight()) }),
      IsBlockhashValid: (c: grpc.ServerUnaryCall<{ blockhash: string }, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, { slot: String(chain.slot), valid: chain.isBlockhashValid(c.request.blockhash) }),
      GetVersion: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { version: JSON.stringify({ version: "ferrix-devchain", proto: "yellowstone" }) }),
      SubscribeReplayInfo: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { first_available: String(chain.oldestReplayableSlot) }),
    });
  }

  get port(): number {
    return this._port;
  }

  get url(): string {
    return `http://${this.opts.host ?? "127.0.0.1"}:${this._port}`;
  }

  get activeStreams(): number {
    return this.sessions.size;
  }

  async start(): Promise<void> {
    // Encode each transaction once, when it is published (and now for the replayable history),
    // so that writes to subscribers only add the envelope.
    this.unsubscribeEncoder ??= this.chain.subscribe((u) => {
      if (u.kind === "transaction") encodedTransactionInfo(u);
    });
    for (const u of this.chain.replayFrom(this.chain.oldestReplayableSlot) ?? []) if (u.kind === "transaction") encodedTransactionInfo(u);
    const host = this.opts.host ?? "127.0.0.1";
    this._port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${host}:${this.opts.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
    );
    const every = this.opts.pingIntervalMs ?? 10_000;
    this.pingTimer = setInterval(() => {
      for (const s of this.sessions) this.send(s, { filters: [], created_at: toTimestamp(this.chain.now), update_oneof: "ping", ping: {} } as SubscribeUpdate);
    }, every);
  }

  async stop(): Promise<void> {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.unsubscribeEncoder?.();
    this.unsubscribeEncoder = null;
    for (const s of this.sessions) this.close(s);
    this.server.forceShutdown();
  }

  /** Ends every open stream with UNAVAILABLE, as a server restart or a load balancer would. */
  dropAllStreams(): number {
    const n = this.sessions.size;
    for (const s of [...this.sessions]) {
      this.close(s);
      endWithStatus(s.call, grpc.status.UNAVAILABLE, "devchain: stream dropped");
    }
    return n;
  }

  /** Holds back every update on the open streams for `ms` (monotonic wall time). */
  stallAllStreams(ms: number): void {
    const until = performance.now() + ms;
    for (const s of this.sessions) s.stalledUntilMono = until;
  }

  private close(s: Session): void {
    if (s.closed) return;
    s.closed = true;
    s.unsubscribe?.();
    this.sessions.delete(s);
  }

  private onSubscribe(call: Call): void {
    if (this.opts.xToken !== undefined) {
      const token = call.metadata.get("x-token")[0];
      if (token !== this.opts.xToken) {
        this.stats.unauthenticated++;
        endWithStatus(call, grpc.status.UNAUTHENTICATED, "invalid x-token");
        return;
      }
    }
    this.stats.subscribes++;
    const s: Session = { call, filters: null, stalledUntilMono: 0, held: [], unsubscribe: null, closed: false, lastSeq: 0 };
    this.sessions.add(s);
    call.on("data", (req: SubscribeRequest) => this.onRequest(s, req));
    call.on("end", () => {
      this.close(s);
      call.end();
    });
    call.on("error", () => this.close(s));
    call.on("cancelled", () => this.close(s));
  }

  private onRequest(s: Session, req: SubscribeRequest): void {
    if (s.closed) return;
    if (req.ping) {
      // A ping request is answered and leaves the filters alone (Yellowstone's behaviour).
      this.stats.clientPings++;
      this.send(s, { filters: [], created_at: toTimestamp(this.chain.now), update_oneof: "pong", pong: { id: req.ping.id } } as SubscribeUpdate);
      return;
    }
    s.filters = parseFilters(req);
    const fromSlot = req.from_slot !== undefined && req.from_slot !== null && String(req.from_slot) !== "" ? Number(req.from_slot) : null;
    if (fromSlot !== null) {
      const replay = this.chain.replayFrom(fromSlot);
      if (replay === null) {
        this.stats.replayUnavailable++;
        const details = `broadcast from ${fromSlot} is not available, last available: ${this.chain.oldestReplayableSlot}`;
        this.close(s);
        endWithStatus(s.call, grpc.status.INTERNAL, details);
        return;
      }
      this.stats.replays++;
      for (const u of replay) this.deliver(s, u);
    }
    if (!s.unsubscribe) s.unsubscribe = this.chain.subscribe((u) => this.deliver(s, u));
  }

  private deliver(s: Session, u: ChainUpdate): void {
    if (s.closed || !s.filters || u.seq <= s.lastSeq) return;
    s.lastSeq = u.seq;
    if (u.kind === "transaction") {
      const names = matchTransaction(s.filters.transactions, u.keys, u.failed, false);
      if (names.length === 0) return;
      const bytes = encodeTransactionUpdate(names, encodedTransactionInfo(u), u.slot, u.createdAtMs);
      this.send(s, bytes ?? ({ filters: names, created_at: toTimestamp(u.createdAtMs), update_oneof: "transaction", transaction: { transaction: u.info, slot: String(u.slot) } } as SubscribeUpdate));
    } else if (s.filters.slots.length > 0) {
      this.send(s, { filters: s.filters.slots, created_at: toTimestamp(u.createdAtMs), update_oneof: "slot", slot: { slot: String(u.slot), parent: String(u.slot - 1), status: "SLOT_CONFIRMED" } } as SubscribeUpdate);
    }
  }

  private send(s: Session, update: Outgoing): void {
    if (s.closed) return;
    if (s.stalledUntilMono > 0) {
      if (performance.now() < s.stalledUntilMono) {
        s.held.push(update);
        if (s.held.length === 1) setTimeout(() => this.flushHeld(s), s.stalledUntilMono - performance.now() + 1);
        return;
      }
      this.flushHeld(s);
    }
    s.call.write(update);
  }

  private flushHeld(s: Session): void {
    if (s.closed) return;
    s.stalledUntilMono = 0;
    const held = s.held;
    s.held = [];
    for (const u of held) s.call.write(u);
  }
}
