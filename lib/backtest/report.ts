/**
 * The backtest report: ONE self-contained HTML file — no network (a Content-Security-Policy of
 * default-src 'none' forbids it), no external scripts or fonts. The data is embedded as JSON; an
 * inline script draws the equity curve, the drawdown curve and the exit reasons as inline SVG, then
 * marks what it drew (`data-points` on each curve path, `data-bars` on the bar chart,
 * `data-rendered` on <body>) so a headless browser test can check the charts really rendered.
 */
import type { ExecutionModel } from "../sim/execution";
import { summaryToJSON, type SimSummary, type TradeRecord } from "../sim/index";
import { EXIT_REASON_NAMES } from "../strategy/types";

export interface ReportInput {
  title: string;
  summary: SimSummary;
  curve: { time: number[]; equity: number[]; drawdown: number[] };
  trades: TradeRecord[];
  paramsSource: string;
  params: Record<string, number | boolean>;
  dataPath: string;
  exec: ExecutionModel;
  buySol: number;
  /** Trades listed in the table (all are counted in the charts). */
  maxTradeRows?: number;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON safe inside <script>: no "</script>", no "<!--". */
const scriptJson = (x: unknown): string => JSON.stringify(x).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
const num = (x: number, d = 4): string => (Number.isFinite(x) ? x.toFixed(d) : "∞");

export function renderReport(input: ReportInput): string {
  const s = input.summary;
  const reasons = EXIT_REASON_NAMES.flatMap((name, k) => (k > 0 && s.exitReasonCounts[k] > 0 ? [{ name, count: s.exitReasonCounts[k], pnl: s.exitReasonPnl[k] }] : []));
  const data = {
    curve: input.curve,
    reasons,
    summary: summaryToJSON(s),
  };
  const maxRows = input.maxTradeRows ?? 500;
  const cards: [string, string][] = [
    ["trades", String(s.trades)],
    ["entries / day", s.entriesPerDay.toFixed(2)],
    ["win rate", `${(s.winRate * 100).toFixed(1)} %`],
    ["PnL", `${num(s.pnlSol)} SOL`],
    ["max drawdown", `${num(s.maxDrawdownSol)} SOL`],
    ["CVaR 5 %", `${num(s.cvar5Sol, 5)} SOL`],
    ["profit factor", num(s.profitFactor, 2)],
    ["missed entries", String(s.missedEntries)],
    ["skipped (max positions)", String(s.skippedMaxPositions)],
  ];
  const tradeRows = input.trades
    .slice(0, maxRows)
    .map(
      (t) =>
        `<tr><td>${esc(t.mint)}</td><td>${new Date(t.entryTs).toISOString().replace("T", " ").slice(0, 19)}</td>` +
        `<td class="n">${t.entrySecond}</td><td class="n">${t.exitSecond}</td><td class="n">${t.heldS}</td>` +
        `<td>${esc(t.exitReason)}</td><td>${esc(t.phaseAtExit)}</td><td class="n">${t.peakRunUp.toFixed(3)}</td>` +
        `<td class="n ${t.pnlSol > 0 ? "pos" : "neg"}">${t.pnlSol.toFixed(5)}</td></tr>`,
    )
    .join("\n");
  const paramRows = Object.entries(input.params)
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td class="n">${esc(String(v))}</td></tr>`)
    .join("");
  const e = input.exec;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2330; background: #fafbfc; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 6px; }
  .meta { color: #5a6272; font-size: 12px; }
  .cards { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 12px; }
  .card { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 8px 12px; min-width: 120px; }
  .card b { display: block; font-size: 16px; } .card span { color: #5a6272; font-size: 12px; }
  svg { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; width: 100%; max-width: 960px; height: auto; }
  table { border-collapse: collapse; font-size: 12px; background: #fff; }
  td, th { border: 1px solid #e3e6eb; padding: 2px 6px; } th { background: #f0f2f5; text-align: left; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; } .pos { color: #17803d; } .neg { color: #b42318; }
  details { margin-top: 16px; }
</style>
</head>
<body>
<h1>${esc(input.title)}</h1>
<div class="meta">params ${esc(input.paramsSource)} · data ${esc(input.dataPath)} · ${s.lifecycles} lifecycles over ${s.spanDays.toFixed(2)} days<br>
buy ${input.buySol} SOL · latency ${e.latencyMs} ms · slippage ${e.slippageBps} bps · priority ${e.priorityFeeLamports} + tip ${e.tipLamports} + base ${e.baseFeeLamports} lamports per transaction · ${e.maxSellRetries} sell retries</div>
<div class="cards">${cards.map(([k, v]) => `<div class="card"><b>${esc(v)}</b><span>${esc(k)}</span></div>`).join("")}</div>

<h2>Equity (SOL, cumulative PnL at each exit)</h2>
<svg id="equity" viewBox="0 0 960 260" role="img" aria-label="equity curve"></svg>
<h2>Drawdown (SOL below the running peak)</h2>
<svg id="drawdown" viewBox="0 0 960 200" role="img" aria-label="drawdown curve"></svg>
<h2>Exit reasons (trades)</h2>
<svg id="reasons" viewBox="0 0 960 ${Math.max(60, 28 * reasons.length + 20)}" role="img" aria-label="exit reasons"></svg>

<h2>Trades${input.trades.length > maxRows ? ` (first ${maxRows} of ${input.trades.length})` : ""}</h2>
<table><thead><tr><th>mint</th><th>entry (UTC)</th><th>entry s</th><th>exit s</th><th>held s</th><th>exit reason</th><th>phase</th><th>peak run-up</th><th>PnL SOL</th></tr></thead>
<tbody>
${tradeRows}
</tbody></table>
<details><summary>Parameters</summary><table>${paramRows}</table></details>

<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  function el(name, attrs, parent, text) {
    var n = document.createElementNS(NS, name);
    for (var k in attrs) n.setAttribute(k, String(attrs[k]));
    if (text !== undefined) n.textContent = text;
    if (parent) parent.appendChild(n);
    return n;
  }
  function fmt(v) { return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toFixed(4); }
  function day(t) { return new Date(t * 1000).toISOString().slice(0, 16).replace("T", " "); }
  function line(id, xs, ys, color, fill) {
    var svg = document.getElementById(id);
    var vb = svg.viewBox.baseVal, W = vb.width, H = vb.height, L = 70, R = 12, T = 12, B = 26;
    var path = el("path", { id: id + "-path", fill: "none", stroke: color, "stroke-width": 1.6 }, null);
    if (xs.length === 0) {
      el("text", { x: W / 2, y: H / 2, "text-anchor": "middle", fill: "#5a6272" }, svg, "no trades");
      path.setAttribute("data-points", "0");
      svg.appendChild(path);
      return;
    }
    var x0 = xs[0], x1 = xs[xs.length - 1], y0 = Math.min(0, Math.min.apply(null, ys)), y1 = Math.max(0, Math.max.apply(null, ys));
    if (x1 === x0) x1 = x0 + 1;
    if (y1 === y0) y1 = y0 + 1;
    function X(x) { return L + (W - L - R) * (x - x0) / (x1 - x0); }
    function Y(y) { return T + (H - T - B) * (1 - (y - y0) / (y1 - y0)); }
    el("line", { x1: L, x2: W - R, y1: Y(0), y2: Y(0), stroke: "#9aa3b2", "stroke-dasharray": "3 3" }, svg);
    el("text", { x: L - 6, y: Y(y1) + 4, "text-anchor": "end", "font-size": 11, fill: "#5a6272" }, svg, fmt(y1));
    el("text", { x: L - 6, y: Y(y0) + 4, "text-anchor": "end", "font-size": 11, fill: "#5a6272" }, svg, fmt(y0));
    el("text", { x: L, y: H - 8, "font-size": 11, fill: "#5a6272" }, svg, day(x0));
    el("text", { x: W - R, y: H - 8, "text-anchor": "end", "font-size": 11, fill: "#5a6272" }, svg, day(x1));
    var d = "";
    for (var i = 0; i < xs.length; i++) d += (i === 0 ? "M" : "L") + X(xs[i]).toFixed(2) + " " + Y(ys[i]).toFixed(2);
    if (fill) el("path", { d: d + "L" + X(xs[xs.length - 1]).toFixed(2) + " " + Y(0).toFixed(2) + "L" + X(xs[0]).toFixed(2) + " " + Y(0).toFixed(2) + "Z", fill: fill, stroke: "none" }, svg);
    path.setAttribute("d", d);
    path.setAttribute("data-points", String(xs.length));
    svg.appendChild(path);
  }
  function bars(id, items) {
    var svg = document.getElementById(id);
    var W = svg.viewBox.baseVal.width, L = 150, R = 170, max = 1;
    items.forEach(function (b) { if (b.count > max) max = b.count; });
    items.forEach(function (b, i) {
      var y = 10 + i * 28, w = Math.max(1, (W - L - R) * b.count / max);
      el("text", { x: L - 8, y: y + 15, "text-anchor": "end", "font-size": 12 }, svg, b.name);
      el("rect", { x: L, y: y, width: w.toFixed(2), height: 20, rx: 3, fill: b.pnl >= 0 ? "#4c9a6a" : "#c4574b", "data-count": b.count, class: "bar" }, svg);
      el("text", { x: L + w + 6, y: y + 15, "font-size": 12, fill: "#1d2330" }, svg, b.count + " · " + b.pnl.toFixed(4) + " SOL");
    });
    if (items.length === 0) el("text", { x: W / 2, y: 35, "text-anchor": "middle", fill: "#5a6272" }, svg, "no trades");
    svg.setAttribute("data-bars", String(items.length));
  }
  line("equity", data.curve.time, data.curve.equity, "#2459c9", "rgba(36,89,201,0.08)");
  line("drawdown", data.curve.time, data.curve.drawdown, "#b42318", "rgba(180,35,24,0.10)");
  bars("reasons", data.reasons);
  document.body.setAttribute("data-rendered", "1");
})();
</script>
</body>
</html>
`;
}
