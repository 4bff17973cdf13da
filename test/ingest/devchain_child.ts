// A devchain in its own process (a real, separate HTTP/2 peer) for the large-message tests.
// Prints {"port", "fromSlot"} on stdout, then answers one JSON command per stdin line:
//   {"cmd":"logs","bytes":N,"count":k,"key":"<address>"} → streams k log-only transactions whose
//     log lists hold ≥ N bytes each, `key` among their accounts; replies their signatures, the
//     slot of the first and a sha256 of each log list (lines joined with "\n");
//   {"cmd":"stats"} → replies the gRPC server's stats.
// Exits when stdin closes.
import { createHash } from "node:crypto";
import type { Address } from "@solana/kit";
import { Devchain, DevchainGrpcServer } from "../../lib/devchain/index.ts";

export function bigLogLines(tag: string, bytes: number): string[] {
  const lines: string[] = [];
  for (let n = 0; n < bytes; ) {
    const line = `Program log: ${tag}:${lines.length} ${"x".repeat(200)} ü`;
    lines.push(line);
    n += Buffer.byteLength(line);
  }
  return lines;
}

export const logDigest = (lines: readonly string[]) => createHash("sha256").update(lines.join("\n")).digest("hex");

if (import.meta.main) {
  const chain = new Devchain({ seed: 5, market: false });
  const server = new DevchainGrpcServer(chain, { pingIntervalMs: 60_000 });
  await server.start();
  const reply = (x: unknown) => process.stdout.write(JSON.stringify(x) + "\n");
  reply({ port: server.port, fromSlot: chain.slot });
  let buf = "";
  for await (const chunk of Bun.stdin.stream()) {
    buf += new TextDecoder().decode(chunk);
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const cmd = JSON.parse(buf.slice(0, i)) as { cmd: string; bytes?: number; count?: number; key?: string };
      buf = buf.slice(i + 1);
      if (cmd.cmd === "logs") {
        const out: { signature: string; slot: number; digest: string; bytes: number }[] = [];
        for (let k = 0; k < (cmd.count ?? 1); k++) {
          const logLines = bigLogLines(`tx${k}`, cmd.bytes ?? 70 * 1024);
          const sent = await chain.streamLogTransaction({ logLines, accounts: [cmd.key as Address] });
          // The streamed logs include the invoke / success lines around ours.
          const streamed = [`Program MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr invoke [1]`, ...logLines, `Program MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr success`];
          out.push({ ...sent, digest: logDigest(streamed), bytes: streamed.reduce((s, l) => s + Buffer.byteLength(l), 0) });
        }
        reply({ transactions: out });
      } else if (cmd.cmd === "stats") {
        reply({ stats: server.stats, activeStreams: server.activeStreams });
      }
    }
  }
  await server.stop();
  process.exit(0);
}
