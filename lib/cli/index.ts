/** The command-line layer every cmd/ file uses: typed args, help, exit codes, JSONL I/O, terminal. */
export { parseArgs, parseNumber, UsageError, flagName, type ArgSpec, type ArgSpecs, type ParsedArgs } from "./args";
export { defineTool, runTool, main, renderHelp, flushStdout, type ToolDef } from "./tool";
export { openOutput, readLines, readByteChunks, isStdio, BrokenPipe, InputError, type Output } from "./io";
export { style, createProgress, stderrIsTTY, formatCount, formatDuration, type Progress } from "./term";
