/**
 * Yellowstone (Dragon's Mouth) gRPC client for the live engine: one bidi `Subscribe` stream with
 * transaction filters, kept alive and resumed.
 *
 * - Auth: `x-token` metadata on the call (Helius LaserStream, Triton); TLS for https endpoints,
 *   plaintext for http (meant for the local chain simulator on 127.0.0.1).
 * - Keepalive: HTTP/2 keepalive pings on the channel; the server's stream Ping is answered with a
 *   SubscribeRequest `ping {id}` (the server answers those with a Pong and keeps the filters);
 *   we also send our own pings so an idle stream still carries traffic through load balancers.
 * - Liveness: a watchdog cancels a stream that delivered nothing (not even a ping or pong) for
 *   `stallTimeoutMs` — grpc-js under Bun has had silent HTTP/2 flow-control stalls — and counts it.
 * - Reconnect: exponential backoff with full jitter (injected RNG and clock), resuming with
 *   `from_slot` = the slot after the last one fully seen; the replay of a partly seen slot is
 *   removed by signature de-duplication. When the server no longer holds that slot it says so
 *   ("… is not available"); the client then resumes live without from_slot and counts the gap.
 * - Delivery: decoded transactions and slot updates, either to a synchronous callback (hot path,
 *   no await per message) or through an async iterator.
 * - Decoding: grpc-js hands over each message's bytes untouched (a passthrough deserializer); the
 *   client reads them with its own protobuf reader (wire.ts), which materialises only the fields
 *   the ingest uses — proto-loader's decode + toObject of every balance and token balance was the
 *   largest single cost per message. Receipt time is taken before decoding, so the latency
 *   figures include it.
 */
import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { loadGeyserGrpc, type CommitmentLevel, type SubscribeRequest, type SubscribeUpdate } from "../chain/proto.ts";
import type { Metrics } from "../metrics/index.ts";
import { DEFAULT_BACKOFF, fullJitterDelayMs, type BackoffOptions } from "./backoff.ts";
import { AsyncChannel } from "./channel.ts";
import { systemClock, type Clock, type TimerHandle } from "./clock.ts";
import { bytesKey, decodeWireTransaction, type IngestUpdate } from "./decode.ts";
import { SignatureDedup } from "./dedup.ts";
import { parseSubscribeUpdate, type WireUpdate } from "./wire.ts";

export interface TransactionFilter {
  /** Transactions touching any of these accounts. */
  accountInclude?: string[];
  /** …and none of these. */
  accountExclude?: string[];
  /** …and all of these. */
  accountRequired?: string[];
  /** Default false: vote transactions are never wanted here. */
  vote?: boolean;
  /** Default false: failed transactions carry no events. */
  failed?: boolean;
}

export interface YellowstoneClientOptions {
  /** `https://host[:port]` (TLS) or `http://127.0.0.1:port` (plaintext). */
  endpoint: string;
  xToken?: string;
  /** Named transaction filters; the name comes back in each update's `filters`. */
  transactions: Record<string, TransactionFilter>;
  commitment?: CommitmentLevel;
  /** Resume point for the first connection (later ones use the last fully seen slot). */
  fromSlot?: number;
  /** Subscribe to slot updates at our commitment (used for resume; default true). */
  slotUpdates?: boolean;
  /** Our own stream pings; default 10 s. */
  pingIntervalMs?: number;
  /** No message for this long cancels the stream; default 30 s. */
  stallTimeoutMs?: number;
  backoff?: BackoffOptions;
  dedupCapacity?: number;
  maxReceiveMessageBytes?: number;
  /** Extra grpc channel options (override the defaults). */
  channelOptions?: grpc.ChannelOptions;
  clock?: Clock;
  /** Uniform [0, 1) for the backoff jitter; pass a seeded source in tests. */
  random?: () => number;
  metrics?: Metrics;
  logger?: Logger;
  /** Hot-path delivery. Without it, updates queue for `updates()`. */
  onUpdate?: (update: IngestUpdate) => void;
}

export type ClientState = "idle" | "connecting" | "streaming" | "backoff" | "stopped";

export interface ClientStats {
  connects: number;
  reconnects: number;
  stalls: number;
  transactions: number;
  duplicates: number;
  slots: number;
  decodeErrors: number;
  serverPings: number;
  pongs: number;
  /** Reconnects whose from_slot the server no longer held (a possible gap). */
  resumeGaps: number;
}

type SubscribeCall = grpc.ClientDuplexStream<SubscribeRequest, Buffer>;

const SUBSCRIBE_PATH = "/geyser.Geyser/Subscribe";
/** grpc-js deserializer: the message bytes as they came (decoded in onMessage). */
const passthrough = (bytes: Buffer): Buffer => bytes;
let requestSerializer: ((req: SubscribeRequest) => Buffer) | null = null;
function serializeRequest(req: SubscribeRequest): Buffer {
  requestSerializer ??= (loadGeyserGrpc().service.Subscribe as grpc.MethodDefinition<SubscribeRequest, SubscribeUpdate>).requestSerialize;
  return requestSerializer(req);
}

export const DEFAULT_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.keepalive_time_ms": 10_000,
  "grpc.keepalive_timeout_ms": 5_000,
  "grpc.keepalive_permit_without_calls": 1,
  "grpc.max_send_message_length": 16 * 1024 * 1024,
  // A block of big transactions can exceed the 4 MiB default.
  "grpc.max_receive_message_length": 64 * 1024 * 1024,
  // grpc-js's own reconnect backoff is ours to control: keep the channel's short.
  "grpc.initial_reconnect_backoff_ms": 100,
  "grpc.max_reconnect_backoff_ms": 1_000,
};

/** Splits an endpoint URL into a grpc target and whether it wants TLS. */
export function parseEndpoint(endpoint: string): { target: string; tls: boolean; host: string } {
  const url = new URL(endpoint.includes("://") ? endpoint : `https://${endpoint}`);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`endpoint ${endpoint}: protocol must be https or http`);
  const tls = url.protocol === "https:";
  const port = url.port || (tls ? "443" : "80");
  return { target: `${url.hostname}:${port}`, tls, host: url.hostname };
}

const isLoopback = (host: string) => host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]";

export class YellowstoneClient {
  readonly stats: ClientStats = { connects: 0, reconnects: 0, stalls: 0, transactions: 0, duplicates: 0, slots: 0, decodeErrors: 0, serverPings: 0, pongs: 0, resumeGaps: 0 };
  private readonly opts: Required<Pick<YellowstoneClientOptions, "commitment" | "slotUpdates" | "pingIntervalMs" | "stallTimeoutMs" | "backoff">> & YellowstoneClientOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly dedup: SignatureDedup;
  private readonly channel = new AsyncChannel<IngestUpdate>();
  private readonly sink: (u: IngestUpdate) => void;
  private readonly endpoint: { target: string; tls: boolean; host: string };

  private _state: ClientState = "idle";
  private generation = 0;
  private attempt = 0;
  private grpcClient: grpc.Client | null = null;
  private call: SubscribeCall | null = null;
  private lastMessageMono = 0;
  private watchdogTimer: TimerHandle | null = null;
  private pingTimer: TimerHandle | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private pingId = 0;
  private _lastFullySeenSlot: number | null = null;
  private highestTxSlot: number | null = null;
  private resumeSlot: number | null;

  constructor(options: YellowstoneClientOptions) {
    this.opts = {
      commitment: "CONFIRMED",
      slotUpdates: true,
      pingIntervalMs: 10_000,
      stallTimeoutMs: 30_000,
      backoff: DEFAULT_BACKOFF,
      ...options,
    };
    if (Object.keys(this.opts.transactions).length === 0) throw new Error("YellowstoneClient: at least one transaction filter is required");
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.dedup = new SignatureDedup(options.dedupCapacity ?? 200_000);
    this.endpoint = parseEndpoint(options.endpoint);
    if (!this.endpoint.tls && !isLoopback(this.endpoint.host)) {
      options.logger?.warn({ endpoint: options.endpoint }, "plaintext gRPC to a non-loopback host: the x-token travels unencrypted");
    }
    this.resumeSlot = options.fromSlot ?? null;
    this.sink = options.onUpdate ?? ((u) => void this.channel.push(u));
  }

  get state(): ClientState {
    return this._state;
  }

  /** The last slot whose transactions have all been delivered (null until known). */
  get lastFullySeenSlot(): number | null {
    return this._lastFullySeenSlot;
  }

  /** Updates in arrival order (only when no `onUpdate` callback was given). */
  updates(): AsyncIterable<IngestUpdate> {
    if (this.opts.onUpdate) throw new Error("YellowstoneClient: updates() is unavailable when onUpdate is set");
    return this.channel;
  }

  start(): void {
    if (this._state !== "idle") return;
    this.connect();
  }

  /** Ends the stream for good and closes the update iterator. */
  async stop(): Promise<void> {
    if (this._state === "stopped") return;
    this._state = "stopped";
    this.teardown();
    if (this.reconnectTimer !== null) this.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.channel.close();
  }

  /** The SubscribeRequest sent on (re)connect. */
  buildRequest(fromSlot: number | null): SubscribeRequest {
    const transactions: SubscribeRequest["transactions"] = {};
    for (const [name, f] of Object.entries(this.opts.transactions)) {
      transactions[name] = {
        vote: f.vote ?? false,
        failed: f.failed ?? false,
        account_include: f.accountInclude ?? [],
        account_exclude: f.accountExclude ?? [],
        account_required: f.accountRequired ?? [],
      };
    }
    const req: SubscribeRequest = {
      transactions,
      slots: this.opts.slotUpdates ? { ferrix_slots: { filter_by_commitment: true } } : {},
      accounts: {},
      transactions_status: {},
      blocks_meta: {},
      entry: {},
      accounts_data_slice: [],
      commitment: this.opts.commitment,
    };
    if (fromSlot !== null) req.from_slot = String(fromSlot);
    return req;
  }

  private makeGrpcClient(): grpc.Client {
    const creds = this.endpoint.tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
    const options: grpc.ChannelOptions = { ...DEFAULT_CHANNEL_OPTIONS, ...this.opts.channelOptions };
    if (this.opts.maxReceiveMessageBytes) options["grpc.max_receive_message_length"] = this.opts.maxReceiveMessageBytes;
    return new grpc.Client(this.endpoint.target, creds, options);
  }

  private connect(): void {
    if (this._state === "stopped") return;
    this.reconnectTimer = null;
    const gen = ++this.generation;
    this._state = "connecting";
    this.stats.connects++;
    const client = this.makeGrpcClient();
    const metadata = new grpc.Metadata();
    if (this.opts.xToken) metadata.set("x-token", this.opts.xToken);
    const call: SubscribeCall = client.makeBidiStreamRequest(SUBSCRIBE_PATH, serializeRequest, passthrough, metadata);
    this.grpcClient = client;
    this.call = call;
    this.lastMessageMono = this.clock.monoMs();
    call.on("data", (u: Buffer) => {
      if (gen === this.generation) this.onMessage(u);
    });
    call.on("error", (err: grpc.ServiceError) => {
      if (gen === this.generation) this.onDisconnect("error", err);
    });
    call.on("end", () => {
      if (gen === this.generation) this.onDisconnect("end");
    });
    const fromSlot = this._lastFullySeenSlot !== null ? this._lastFullySeenSlot + 1 : this.resumeSlot;
    this.opts.logger?.info({ endpoint: this.opts.endpoint, fromSlot, attempt: this.attempt }, "yellowstone subscribe");
    this.write(this.buildRequest(fromSlot));
    this.armWatchdog(gen);
    this.armPing(gen);
  }

  private write(req: SubscribeRequest): void {
    const call = this.call;
    if (!call || call.destroyed || call.writableEnded) return;
    call.write(req);
  }

  private armWatchdog(gen: number): void {
    const period = Math.max(10, Math.min(1_000, Math.floor(this.opts.stallTimeoutMs / 4)));
    this.watchdogTimer = this.clock.setTimeout(() => {
      if (gen !== this.generation) return;
      if (this.clock.monoMs() - this.lastMessageMono >= this.opts.stallTimeoutMs) {
        this.stats.stalls++;
        this.opts.metrics?.grpcStalls.inc();
        this.opts.logger?.warn({ silentMs: Math.round(this.clock.monoMs() - this.lastMessageMono) }, "yellowstone stream stalled; reconnecting");
        this.onDisconnect("stall");
        return;
      }
      this.armWatchdog(gen);
    }, period);
  }

  private armPing(gen: number): void {
    this.pingTimer = this.clock.setTimeout(() => {
      if (gen !== this.generation) return;
      this.write({ ping: { id: ++this.pingId } });
      this.armPing(gen);
    }, this.opts.pingIntervalMs);
  }

  private onMessage(bytes: Buffer): void {
    const now = this.clock.monoMs();
    this.lastMessageMono = now;
    if (this._state !== "streaming") {
      this._state = "streaming";
      this.attempt = 0;
    }
    const m = this.opts.metrics;
    let u: WireUpdate;
    try {
      u = parseSubscribeUpdate(bytes);
    } catch (err) {
      this.stats.decodeErrors++;
      m?.decodeErrors.inc({ what: "update" });
      this.opts.logger?.warn({ err: (err as Error).message, bytes: bytes.length }, "undecodable SubscribeUpdate");
      return;
    }
    m?.grpcMessages.inc({ kind: u.oneof ?? "unknown" });
    switch (u.oneof) {
      case "transaction": {
        let tx;
        try {
          tx = decodeWireTransaction(u.transaction!, { createdAtMs: u.createdAtMs, receivedAtMono: now, filters: u.filters });
        } catch (err) {
          this.stats.decodeErrors++;
          m?.decodeErrors.inc({ what: "transaction" });
          this.opts.logger?.warn({ err: (err as Error).message }, "undecodable transaction update");
          return;
        }
        if (tx.slot - 1 > (this._lastFullySeenSlot ?? -1) && this.highestTxSlot !== null && tx.slot > this.highestTxSlot) {
          // Updates at one commitment arrive slot by slot: a transaction of a newer slot means
          // every earlier slot is complete.
          this._lastFullySeenSlot = tx.slot - 1;
        }
        if (this.highestTxSlot === null || tx.slot > this.highestTxSlot) this.highestTxSlot = tx.slot;
        if (this.dedup.seen(bytesKey(tx.signatureBytes))) {
          this.stats.duplicates++;
          m?.grpcDuplicates.inc();
          return;
        }
        this.stats.transactions++;
        this.sink({ kind: "transaction", tx });
        return;
      }
      case "slot": {
        const slot = u.slot!.slot;
        this.stats.slots++;
        // With filter_by_commitment the server only reports slots reaching our commitment, after
        // their transactions.
        if (this._lastFullySeenSlot === null || slot > this._lastFullySeenSlot) this._lastFullySeenSlot = slot;
        this.sink({ kind: "slot", slot: { slot, status: u.slot!.status, createdAtMs: u.createdAtMs, receivedAtMono: now } });
        return;
      }
      case "ping":
        this.stats.serverPings++;
        this.write({ ping: { id: 1 } });
        return;
      case "pong":
        this.stats.pongs++;
        return;
      default:
        return;
    }
  }

  private teardown(): void {
    this.generation++;
    for (const t of [this.watchdogTimer, this.pingTimer]) if (t !== null) this.clock.clearTimeout(t);
    this.watchdogTimer = null;
    this.pingTimer = null;
    const call = this.call;
    const client = this.grpcClient;
    this.call = null;
    this.grpcClient = null;
    if (call) {
      call.removeAllListeners("data");
      // Keep an error listener: cancel() emits CANCELLED, and an unhandled 'error' would throw.
      call.on("error", () => {});
      try {
        call.cancel();
      } catch {
        /* already closed */
      }
    }
    client?.close();
  }

  private onDisconnect(cause: "error" | "end" | "stall", err?: grpc.ServiceError): void {
    if (this._state === "stopped") return;
    this.teardown();
    let reason: string = cause;
    if (err && /from_slot|is not available/i.test(err.details ?? err.message)) {
      // The server's replay window no longer holds our resume slot: resume live and count the gap.
      this.stats.resumeGaps++;
      this._lastFullySeenSlot = null;
      this.resumeSlot = null;
      reason = "resume_unavailable";
      this.opts.logger?.error({ details: err.details }, "yellowstone resume slot unavailable; resuming live (possible gap)");
    } else if (err) {
      this.opts.logger?.warn({ code: err.code, details: err.details }, "yellowstone stream error");
    }
    this.stats.reconnects++;
    this.opts.metrics?.grpcReconnects.inc({ cause: reason });
    const delay = fullJitterDelayMs(this.attempt++, this.opts.backoff, this.random);
    this._state = "backoff";
    this.reconnectTimer = this.clock.setTimeout(() => this.connect(), delay);
  }
}
