/**
 * The trades.db writer thread of the persistence queue (./persistence.ts): it owns a connection of
 * its own (WAL, synchronous=FULL, as lib/store opens it) and commits the ops it is sent in order,
 * one transaction each, so the SQLite commits (and their fsyncs) never run on the event loop the
 * buy path shares. A failed commit stops there and is retried, whole, on the next message.
 *
 * Progress goes through shared memory (see CTRL in ./persistence.ts) so the queue's synchronous
 * `flush()` can wait for it with Atomics.wait; stats and failures also come back as messages.
 */
import type { Database } from "bun:sqlite";
import { openTradesDb } from "../store/index.ts";
import { CTRL, WORKER_STATE, type PersistOp, type WorkerReply, type WorkerRequest } from "./persistence.ts";
import { TradesWriter } from "./trades_writer.ts";

declare const self: Worker;

let ctrl: Int32Array | null = null;
let db: Database | null = null;
let writer: TradesWriter | null = null;
let committed = 0;
let failures = 0;
let failing = false;
const pending: PersistOp[] = [];

const reply = (m: WorkerReply) => postMessage(m);

function done(seq: number): void {
  Atomics.store(ctrl!, CTRL.DONE_SEQ, seq);
  Atomics.notify(ctrl!, CTRL.DONE_SEQ);
}

/** Commits pending ops in order until one fails (kept for the next attempt). */
function drain(): void {
  let ok = 0;
  let errors = 0;
  const seconds: number[] = [];
  while (pending.length > 0) {
    const op = pending[0];
    const t0 = performance.now();
    try {
      writer!.commit(op);
    } catch (err) {
      errors++;
      Atomics.store(ctrl!, CTRL.FAILURES, ++failures);
      if (!failing) reply({ type: "failed", op: op.op, error: (err as Error).message });
      failing = true;
      break;
    }
    failing = false;
    pending.shift();
    ok++;
    Atomics.store(ctrl!, CTRL.COMMITTED, ++committed);
    seconds.push((performance.now() - t0) / 1000);
  }
  if (ok > 0 || errors > 0) reply({ type: "stats", ok, errors, seconds });
}

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const m = e.data;
  switch (m.type) {
    case "init":
      ctrl = new Int32Array(m.ctrl);
      try {
        db = openTradesDb(m.path);
        writer = new TradesWriter(db);
      } catch (err) {
        Atomics.store(ctrl, CTRL.STATE, WORKER_STATE.FAILED);
        Atomics.notify(ctrl, CTRL.DONE_SEQ);
        reply({ type: "init_failed", error: (err as Error).message });
        return;
      }
      Atomics.store(ctrl, CTRL.STATE, WORKER_STATE.READY);
      reply({ type: "ready" });
      return;
    case "ops":
      for (const op of m.ops) pending.push(op);
      if (writer) drain();
      done(m.seq);
      return;
    case "close":
      db?.close();
      db = null;
      Atomics.store(ctrl!, CTRL.STATE, WORKER_STATE.CLOSED);
      done(m.seq);
      return;
  }
};
