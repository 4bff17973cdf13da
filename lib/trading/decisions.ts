/**
 * Decision records (IronCrab's forensic flat files; DESIGN §4 "why entered, why rejected, why
 * exited"): one JSON object per line, appended, never rewritten, by lib/engine's JsonlAppender
 * (the engine passes its own, so check and trading decisions share one file; given a path, the
 * trading stages open one themselves).
 *
 * Every trading record has `ts` (wall ms), `type` (entry, reject, exit, fill, sell_failed,
 * circuit_breaker, …) and, where one applies, the position, the second, the reason and the
 * feature values behind it. Records never hold key material: the signer is not reachable from
 * here.
 */

/** Where decision records go (lib/engine's JsonlAppender, or MemoryDecisions in tests). */
export interface DecisionSink {
  write(record: object): void;
}

/** Keeps records in memory (tests). */
export class MemoryDecisions implements DecisionSink {
  readonly records: Record<string, unknown>[] = [];
  write(record: object): void {
    this.records.push(JSON.parse(JSON.stringify(record)) as Record<string, unknown>);
  }
}

/** The features of one second as a decision record carries them (rounded for people, not for replay). */
export function featureRecord(s: {
  t: number;
  price: number;
  quoteReserve: number;
  netFlowCum: number;
  buyersCum: number;
  creatorSellCum: number;
  rvr: number;
  mom5: number;
  mom15: number;
  volatility10: number;
  redStreak: number;
  drawdownFromHigh: number;
  liqDrawdown: number;
  sellRatio10: number;
  sellVol10: number;
  whaleDump: number;
}): Record<string, number> {
  const r = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e9) / 1e9 : 0);
  return {
    t: s.t,
    price: s.price,
    quote_reserve_sol: r(s.quoteReserve),
    net_flow_cum_sol: r(s.netFlowCum),
    buyers_cum: s.buyersCum,
    creator_sell_cum_sol: r(s.creatorSellCum),
    rvr: r(s.rvr),
    mom5: r(s.mom5),
    mom15: r(s.mom15),
    volatility10: r(s.volatility10),
    red_streak: s.redStreak,
    drawdown_from_high: r(s.drawdownFromHigh),
    liq_drawdown: r(s.liqDrawdown),
    sell_ratio10: r(s.sellRatio10),
    sell_vol10_sol: r(s.sellVol10),
    whale_dump: r(s.whaleDump),
  };
}
