import { describe, expect, test } from "bun:test";
import { formatLifecycle } from "./format";
import type { Lifecycle } from "./types";

const sample = (): Lifecycle => ({
  v: 1,
  mint: "Mint\"quoted\"",
  pool: "Pool",
  creator: "Creator",
  slot: 340_000_123,
  ts: 1_750_000_000_123,
  token_age_s: 3600.5,
  base_reserve0: 206_900_000,
  quote_reserve0: 84.990359454,
  base_decimals: 6,
  lp_fee_bps: 20,
  protocol_fee_bps: 5,
  creator_fee_bps: 5,
  series: {
    t: [0, 1, 2],
    price: [4.107799876e-7, 1 / 3, 0.1 + 0.2],
    quote_reserve: [84.990359454, 85, 1e21],
    buy_sol: [0, 1.5, 0],
    sell_sol: [0, 0, 2e-9],
    n_buys: [0, 1, 0],
    n_sells: [0, 0, 1],
    new_buyers: [0, 1, 0],
    creator_sell_sol: [0, 0, 0],
    max_sell_sol: [0, 0, 2e-9],
  },
  outcome: { peak_mult: 811477.9, t_peak: 2, min_mult: 1, final_mult: 811477.9 },
});

describe("formatLifecycle", () => {
  test("canonical text: fixed key order, shortest round-trip numbers, no whitespace", () => {
    expect(formatLifecycle(sample())).toBe(
      '{"v":1,"mint":"Mint\\"quoted\\"","pool":"Pool","creator":"Creator","slot":340000123,"ts":1750000000123,' +
        '"token_age_s":3600.5,"base_reserve0":206900000,"quote_reserve0":84.990359454,"base_decimals":6,' +
        '"lp_fee_bps":20,"protocol_fee_bps":5,"creator_fee_bps":5,"series":{"t":[0,1,2],' +
        '"price":[4.107799876e-7,0.3333333333333333,0.30000000000000004],"quote_reserve":[84.990359454,85,1e+21],' +
        '"buy_sol":[0,1.5,0],"sell_sol":[0,0,2e-9],"n_buys":[0,1,0],"n_sells":[0,0,1],"new_buyers":[0,1,0],' +
        '"creator_sell_sol":[0,0,0],"max_sell_sol":[0,0,2e-9]},' +
        '"outcome":{"peak_mult":811477.9,"t_peak":2,"min_mult":1,"final_mult":811477.9}}',
    );
  });

  test("equals JSON.stringify of the canonical object and round-trips exactly", () => {
    const l = sample();
    const text = formatLifecycle(l);
    expect(text).toBe(JSON.stringify(l));
    expect(JSON.parse(text)).toEqual(l);
    expect(formatLifecycle(JSON.parse(text))).toBe(text);
  });

  test("key order of the input object does not matter", () => {
    const l = sample();
    const { series, outcome, ...statics } = l;
    const reversed = Object.fromEntries(Object.entries(statics).reverse());
    const shuffled = { outcome, series: Object.fromEntries(Object.entries(series).reverse()), ...reversed } as unknown as Lifecycle;
    expect(Object.keys(shuffled)[0]).toBe("outcome");
    expect(formatLifecycle(shuffled)).toBe(formatLifecycle(l));
  });

  test("unknown age is null", () => {
    expect(formatLifecycle({ ...sample(), token_age_s: null })).toContain('"token_age_s":null,');
  });

  test("refuses non-finite numbers and ragged columns instead of writing bad JSON", () => {
    const a = sample();
    a.series.price[1] = Number.NaN;
    expect(() => formatLifecycle(a)).toThrow(/series\.price\[1\]/);
    const b = sample();
    b.outcome.peak_mult = Number.POSITIVE_INFINITY;
    expect(() => formatLifecycle(b)).toThrow(/peak_mult/);
    const c = sample();
    c.series.n_buys.pop();
    expect(() => formatLifecycle(c)).toThrow(/n_buys has 2 rows/);
  });
});
