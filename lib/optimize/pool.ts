/**
 * WorkerPoolEvaluator: the Evaluator on N Bun Workers. The folds go to each worker once (their
 * SharedArrayBuffer columns are shared, not copied); a batch is cut into tasks of (a chunk of
 * candidates × one fold), fold by fold, handed to whichever worker is idle — one message per task
 * of milliseconds of work, never one per evaluation. Results land at their (candidate, fold)
 * place, so the output never depends on which worker ran what.
 *
 * Failure is loud: a worker that cannot be loaded (e.g. a compiled binary built without
 * lib/optimize/worker.ts as an extra entrypoint), throws, or dies rejects the batch and every
 * later call with an Error naming the worker — the optimizer then exits 1, never 0.
 */
import { PARAM_COUNT, PARAM_INDEX } from "../params/schema";
import type { ExecutionModel } from "../sim/execution";
import { buildFoldTables, createFoldMemo, resetFoldMemo, type EngineCounters, type FoldMemo, type StageSpec } from "./engine";
import type { EvalBatch, EvalContext, Evaluator } from "./evaluator";
import { METRIC_COUNT } from "./score";

/**
 * Where the worker module is: beside this file when run from source; inside a `bun build
 * --compile` binary it is embedded under its path from the entrypoints' common root (the repo).
 */
export function workerSpecifiers(): string[] {
  const here = new URL("./worker.ts", import.meta.url).href;
  if (!import.meta.url.includes("$bunfs")) return [here];
  return ["/$bunfs/root/lib/optimize/worker.js", "/$bunfs/root/worker.js", here];
}

interface Slot {
  worker: Worker;
  index: number;
  busy: boolean;
}

interface Chunk {
  first: number;
  count: number;
  /** Position in the batch's fold list. */
  fold: number;
}

export class WorkerPoolEvaluator implements Evaluator {
  readonly kind = "worker-pool";
  private slots: Slot[] = [];
  private failure: Error | null = null;
  private memos: FoldMemo[] = [];
  private exec: ExecutionModel | null = null;
  private memoStage = NaN;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (m: unknown) => void; reject: (e: Error) => void; slot: Slot }>();

  constructor(
    readonly threads: number,
    private readonly opts: { startTimeoutMs?: number; specifier?: string } = {},
  ) {
    if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`threads must be a positive integer, got ${threads}`);
  }

  async init(context: EvalContext): Promise<void> {
    const specs = this.opts.specifier ? [this.opts.specifier] : workerSpecifiers();
    for (let i = 0; i < this.threads; i++) this.slots.push({ worker: await this.start(specs, i), index: i, busy: false });
    // One set of memo tables per fold for all workers (work one worker did is never repeated by
    // another); this thread resets them between stages, while no worker runs.
    this.memos = context.folds.map(({ fold }) => createFoldMemo(fold.count, true));
    this.exec = context.exec;
    // The data-only tables too, built once here instead of once per worker.
    const tables = context.tables ?? context.folds.map(({ fold, feats }) => buildFoldTables(fold, feats, true));
    const shared: EvalContext = { ...context, memos: this.memos, tables };
    await Promise.all(this.slots.map((s) => this.call(s, { type: "init", context: shared })));
  }

  /** Start one worker, trying each specifier, and wait for its hello. */
  private async start(specs: string[], index: number): Promise<Worker> {
    const errors: string[] = [];
    for (const spec of specs) {
      const got = await new Promise<Worker | string>((resolve) => {
        let w: Worker;
        try {
          w = new Worker(spec);
        } catch (err) {
          resolve(`${spec}: ${(err as Error).message}`);
          return;
        }
        const timer = setTimeout(() => {
          w.terminate();
          resolve(`${spec}: no answer within ${this.opts.startTimeoutMs ?? 30_000} ms`);
        }, this.opts.startTimeoutMs ?? 30_000);
        w.onmessage = (e: MessageEvent) => {
          if ((e.data as { type?: string })?.type === "hello") {
            clearTimeout(timer);
            resolve(w);
          }
        };
        w.onerror = (e: ErrorEvent) => {
          clearTimeout(timer);
          w.terminate();
          resolve(`${spec}: ${e.message || "failed to load"}`);
        };
      });
      if (typeof got !== "string") {
        this.attach(got, index);
        return got;
      }
      errors.push(got);
    }
    throw new Error(`optimizer worker ${index} failed to start (${errors.join("; ")}); a compiled binary needs lib/optimize/worker.ts as an extra entrypoint (scripts/build.ts)`);
  }

  private attach(w: Worker, index: number): void {
    w.onmessage = (e: MessageEvent) => {
      const m = e.data as { type: string; id: number; message?: string };
      const waiter = this.waiting.get(m.id);
      if (!waiter) return;
      this.waiting.delete(m.id);
      waiter.slot.busy = false;
      if (m.type === "error") waiter.reject(new Error(`optimizer worker ${index}: ${m.message}`));
      else waiter.resolve(m);
    };
    const fail = (why: string) => {
      const err = new Error(`optimizer worker ${index} ${why}`);
      this.failure ??= err;
      for (const [id, waiter] of this.waiting) {
        if (waiter.slot.worker === w) {
          this.waiting.delete(id);
          waiter.reject(err);
        }
      }
    };
    w.onerror = (e: ErrorEvent) => fail(`crashed: ${e.message}`);
    w.addEventListener("close", () => {
      if (this.slots.length) fail("exited");
    });
  }

  private call(slot: Slot, message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    slot.busy = true;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ ...message, id }, transfer);
    });
  }

  async evaluate(batch: EvalBatch): Promise<Float64Array> {
    if (this.failure) throw this.failure;
    const { count, folds } = batch;
    const F = folds.length;
    const out = new Float64Array(count * F * METRIC_COUNT);
    if (count === 0 || F === 0) return out;
    // Tasks are (candidate chunk × ONE fold), fold by fold: a task streams one fold's columns and
    // memo tables for many candidates, and the workers run the same fold side by side (shared
    // cache). About four tasks per worker per batch keep them busy to the end of the batch.
    const chunks = Math.max(1, Math.ceil((4 * this.slots.length) / F));
    const per = Math.max(8, Math.ceil(count / chunks));
    const queue: Chunk[] = [];
    for (let j = 0; j < F; j++) for (let first = 0; first < count; first += per) queue.push({ first, count: Math.min(per, count - first), fold: j });
    const stage: StageSpec = { id: batch.stage.id, base: Array.from(batch.stage.base), groups: [...batch.stage.groups] };
    if (stage.id !== this.memoStage) {
      const stake = this.exec!.buySol ?? stage.base[PARAM_INDEX.buySol];
      for (const memo of this.memos) resetFoldMemo(memo, stage.id, stake);
      this.memoStage = stage.id;
    }
    await new Promise<void>((resolve, reject) => {
      let pending = 0;
      let failed = false;
      const pump = () => {
        if (failed) return;
        for (const slot of this.slots) {
          if (slot.busy || queue.length === 0) continue;
          const chunk = queue.shift()!;
          const candidates = batch.candidates.slice(chunk.first * PARAM_COUNT, (chunk.first + chunk.count) * PARAM_COUNT);
          pending++;
          this.call(slot, { type: "eval", stage, candidates, count: chunk.count, folds: [folds[chunk.fold]] }, [candidates.buffer as ArrayBuffer])
            .then((m) => {
              const metrics = (m as { metrics: Float64Array }).metrics;
              for (let c = 0; c < chunk.count; c++) out.set(metrics.subarray(c * METRIC_COUNT, (c + 1) * METRIC_COUNT), ((chunk.first + c) * F + chunk.fold) * METRIC_COUNT);
              pending--;
              if (queue.length === 0 && pending === 0) resolve();
              else pump();
            })
            .catch((err) => {
              failed = true;
              reject(err);
            });
        }
      };
      pump();
    });
    return out;
  }

  async counters(): Promise<EngineCounters> {
    const all = await Promise.all(this.slots.map((s) => this.call(s, { type: "counters" })));
    const c: EngineCounters = { full: 0, memo: 0, split: 0 };
    for (const m of all) {
      const k = (m as { counters: EngineCounters }).counters;
      c.full += k.full;
      c.memo += k.memo;
      c.split += k.split;
    }
    return c;
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    for (const s of slots) s.worker.terminate();
  }
}
