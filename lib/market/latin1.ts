/**
 * Latin-1 (here: pure ASCII) string ↔ Buffer copies. Node and Bun both have the fast
 * `latin1Write` / `latin1Slice` methods on Buffer (~30 ns per short string, 3x `write(s, off,
 * "latin1")`), but the type definitions do not declare them; use them when present.
 */
interface FastLatin1 {
  latin1Write?(s: string, offset: number): number;
  latin1Slice?(start: number, end: number): string;
}

const proto = Buffer.prototype as unknown as FastLatin1;
const HAS_WRITE = typeof proto.latin1Write === "function";
const HAS_SLICE = typeof proto.latin1Slice === "function";

/** Copies `s` into `buf` at `off`; returns the number of bytes written. */
export const writeLatin1: (buf: Buffer, s: string, off: number) => number = HAS_WRITE
  ? (buf, s, off) => (buf as unknown as Required<FastLatin1>).latin1Write(s, off)
  : (buf, s, off) => buf.write(s, off, "latin1");

/** The bytes [start, end) of `buf` as a string. */
export const sliceLatin1: (buf: Buffer, start: number, end: number) => string = HAS_SLICE
  ? (buf, start, end) => (buf as unknown as Required<FastLatin1>).latin1Slice(start, end)
  : (buf, start, end) => buf.toString("latin1", start, end);
