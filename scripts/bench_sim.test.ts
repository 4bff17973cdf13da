/** Smoke test of the simulator benchmark: it runs, and its figures are consistent (no timing asserted). */
import { expect, test } from "bun:test";
import { join } from "node:path";

test("bench_sim --synthetic --json reports every workload with consistent figures", async () => {
  const proc = Bun.spawn(
    [process.execPath, join(import.meta.dir, "bench_sim.ts"), "--synthetic", "30", "--candidates", "8", "--seconds", "0.1", "--repeat", "1", "--json"],
    { stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect(err).toBe("");
  expect(code).toBe(0);
  const r = JSON.parse(out);
  expect(r.fold.lifecycles).toBe(30);
  expect(r.rows.map((x: { workload: string }) => x.workload)).toEqual(["default params", "random params (8)", "exit-only params, shared entries (8)"]);
  for (const row of r.rows) {
    expect(row.foldsPerSec).toBeGreaterThan(0);
    expect(row.ticksVisitedPerEval).toBeLessThanOrEqual(r.fold.ticks);
    expect(row.nsPerFoldTick).toBeCloseTo(1e9 / (row.foldsPerSec * r.fold.ticks), 6);
  }
});
