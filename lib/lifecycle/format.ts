/**
 * The canonical serializer of a ground-truth lifecycle: one JSON line, keys always in the order
 * of lib/lifecycle/types.ts (static fields, `series` columns in SERIES_COLUMNS order, `outcome`),
 * numbers in JavaScript's shortest round-trip form (what JSON.stringify prints; prices are not
 * rounded), no whitespace. The same lifecycle always gives the same bytes, whatever the key order
 * of the object passed in, so reruns on the same input are byte-identical.
 */
import { SERIES_COLUMNS, type Lifecycle } from "./types";

const str = (s: string): string => JSON.stringify(s);

function num(x: number, key: string): string {
  if (typeof x !== "number" || !Number.isFinite(x)) throw new TypeError(`formatLifecycle: ${key} is not a finite number (${String(x)})`);
  return String(x);
}

const bad = (key: string, i: number, x: unknown) => new TypeError(`formatLifecycle: series.${key}[${i}] is not a finite number (${String(x)})`);

/**
 * A column as comma-separated numbers, run by run: per-second columns are mostly runs of one
 * value (carried-forward prices and reserves, zero-flow seconds), and per-element overhead, not
 * number → text, dominated the cost. Each run's value is converted once and repeated natively.
 */
function column(values: ArrayLike<number>, key: string, n: number): string {
  if (values.length !== n) throw new TypeError(`formatLifecycle: series.${key} has ${values.length} rows, series.t has ${n}`);
  const parts: string[] = [];
  let i = 0;
  while (i < n) {
    const x = values[i]!;
    if (typeof x !== "number" || !Number.isFinite(x)) throw bad(key, i, x);
    let j = i + 1;
    while (j < n && values[j] === x) j++;
    const text = "" + x;
    parts.push(j - i === 1 ? text : (text + ",").repeat(j - i - 1) + text);
    i = j;
  }
  return parts.join(",");
}

/** "0,1,2,…" prefixes for the `t` column, shared by every lifecycle. */
let tText = "0";
let tEnds = new Int32Array([0, 1]);

/** The `t` column: 0..n−1 as cached text when it is exactly that (as the builder writes it). */
function timeColumn(t: ArrayLike<number>): string {
  const n = t.length;
  for (let i = 0; i < n; i++) if (t[i] !== i) return column(t, "t", n);
  if (n === 0) return "";
  if (n >= tEnds.length) {
    let cap = tEnds.length;
    while (cap <= n) cap *= 2;
    const ends = new Int32Array(cap);
    const parts = [tText];
    let len = tText.length;
    ends.set(tEnds);
    for (let k = tEnds.length; k < cap; k++) {
      const piece = "," + (k - 1);
      parts.push(piece);
      len += piece.length;
      ends[k] = len;
    }
    tText = parts.join("");
    tEnds = ends;
  }
  return tText.slice(0, tEnds[n]);
}

/**
 * One lifecycle as its canonical JSON text, without the trailing newline.
 *
 * @example
 * out.write(formatLifecycle(lifecycle) + "\n");
 * formatLifecycle(JSON.parse(line)) === line; // for any line the tool wrote
 */
export function formatLifecycle(l: Lifecycle): string {
  const s = l.series;
  const n = s.t.length;
  let out =
    `{"v":1,"mint":${str(l.mint)},"pool":${str(l.pool)},"creator":${str(l.creator)}` +
    `,"slot":${num(l.slot, "slot")},"ts":${num(l.ts, "ts")}` +
    `,"token_age_s":${l.token_age_s === null ? "null" : num(l.token_age_s, "token_age_s")}` +
    `,"base_reserve0":${num(l.base_reserve0, "base_reserve0")},"quote_reserve0":${num(l.quote_reserve0, "quote_reserve0")}` +
    `,"base_decimals":${num(l.base_decimals, "base_decimals")},"lp_fee_bps":${num(l.lp_fee_bps, "lp_fee_bps")}` +
    `,"protocol_fee_bps":${num(l.protocol_fee_bps, "protocol_fee_bps")},"creator_fee_bps":${num(l.creator_fee_bps, "creator_fee_bps")}` +
    `,"series":{`;
  out += `"t":[${timeColumn(s.t)}]`;
  for (let k = 1; k < SERIES_COLUMNS.length; k++) {
    const key = SERIES_COLUMNS[k]!;
    out += `,"${key}":[${column(s[key], key, n)}]`;
  }
  const o = l.outcome;
  out +=
    `},"outcome":{"peak_mult":${num(o.peak_mult, "peak_mult")},"t_peak":${num(o.t_peak, "t_peak")}` +
    `,"min_mult":${num(o.min_mult, "min_mult")},"final_mult":${num(o.final_mult, "final_mult")}}}`;
  return out;
}
