/**
 * The optimizer's worker thread: one BatchRunner over the folds it is given (their columns are
 * SharedArrayBuffers, so nothing is copied), answering "eval" messages with metrics. Listed in
 * scripts/build.ts EXTRA_ENTRYPOINTS so `bun build --compile` embeds it (pool.ts finds it there).
 *
 * Protocol (pool.ts is the other side):
 *   → {type:"init", id, context}        ← {type:"ready", id}
 *   → {type:"eval", id, stage, candidates, count, folds}
 *                                        ← {type:"result", id, metrics} (metrics' buffer transferred)
 *   → {type:"counters", id}              ← {type:"counters", id, counters}
 *   any failure                          ← {type:"error", id, message}
 * On load it posts {type:"hello"}, so the pool knows the module started.
 */
import { BatchRunner, type EvalContext } from "./evaluator";

declare const self: Worker;

let runner: BatchRunner | null = null;

self.onmessage = (event: MessageEvent) => {
  const m = event.data as { type: string; id?: number; [k: string]: unknown };
  try {
    if (m.type === "init") {
      runner = new BatchRunner(m.context as EvalContext);
      self.postMessage({ type: "ready", id: m.id });
    } else if (m.type === "eval") {
      if (!runner) throw new Error("worker not initialised");
      const metrics = runner.run(m.stage as never, m.candidates as Float64Array, m.count as number, m.folds as number[]);
      self.postMessage({ type: "result", id: m.id, metrics }, [metrics.buffer as ArrayBuffer]);
    } else if (m.type === "counters") {
      self.postMessage({ type: "counters", id: m.id, counters: runner ? runner.counters() : { full: 0, memo: 0, split: 0 } });
    } else throw new Error(`unknown message type ${String(m.type)}`);
  } catch (err) {
    self.postMessage({ type: "error", id: m.id ?? -1, message: err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err) });
  }
};

self.postMessage({ type: "hello" });
