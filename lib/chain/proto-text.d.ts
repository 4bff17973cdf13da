// `import text from "x.proto" with { type: "text" }` (Bun embeds the file as a string, also in
// a `bun build --compile` binary).
declare module "*.proto" {
  const text: string;
  export default text;
}
