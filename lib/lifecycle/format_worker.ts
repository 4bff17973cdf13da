/**
 * Worker thread for telemetry_tool: finished tokens in (cells transferred, not copied), canonical
 * lifecycle lines out, in the order received. Turning per-second cells into text is a third of
 * the tool's work; here it runs beside the parser instead of after it. Same functions as the
 * in-thread path (./cells, ./format), so the bytes are the same either way.
 *
 * Protocol: on start it posts {ready: true}; for each {id, items} it posts {id, text, cells} or
 * {id, error}. `cells` are the items' cell arrays, zeroed over the rows they used and
 * transferred back, so the builder can reuse them (see LifecycleBuilder.recycle).
 */
import { STRIDE, toLifecycle, type FinishedLifecycle } from "./cells";
import { formatLifecycle } from "./format";

declare const self: Worker;

self.onmessage = (e: MessageEvent<{ id: number; items: FinishedLifecycle[] }>) => {
  const { id, items } = e.data;
  try {
    const parts = new Array<string>(items.length);
    const cells: { cells: Float64Array; rows: number }[] = [];
    const transfer: ArrayBuffer[] = [];
    for (let i = 0; i < items.length; i++) {
      const f = items[i]!;
      parts[i] = formatLifecycle(toLifecycle(f)) + "\n";
      f.cells.fill(0, 0, f.rows * STRIDE);
      cells.push({ cells: f.cells, rows: f.rows });
      transfer.push(f.cells.buffer as ArrayBuffer);
    }
    self.postMessage({ id, text: parts.join(""), cells }, transfer);
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};

self.postMessage({ ready: true });
