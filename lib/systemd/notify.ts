/**
 * sd_notify(3) without libsystemd: one AF_UNIX datagram to $NOTIFY_SOCKET through libc via
 * bun:ffi (Bun and Node have no unix datagram sockets). Used for READY=1, WATCHDOG=1 from inside
 * the main loop, and STOPPING=1. A no-op when NOTIFY_SOCKET is unset (not under systemd).
 */
import { dlopen, FFIType, ptr } from "bun:ffi";

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;

let libc: ReturnType<typeof openLibc> | null = null;
function openLibc() {
  for (const name of ["libc.so.6", "libc.so", "libc.dylib"]) {
    try {
      return dlopen(name, {
        socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
        sendto: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i64 },
        close: { args: [FFIType.i32], returns: FFIType.i32 },
      });
    } catch {}
  }
  throw new Error("sd_notify: cannot load libc");
}

/** Send a notification; returns false (never throws) when it could not be delivered. */
export function sdNotify(state: string, socketPath = process.env.NOTIFY_SOCKET): boolean {
  if (!socketPath) return false;
  try {
    libc ??= openLibc();
    const path = Buffer.from(socketPath.startsWith("@") ? "\0" + socketPath.slice(1) : socketPath);
    if (path.length > 107) return false;
    const addr = new Uint8Array(110);
    new DataView(addr.buffer).setUint16(0, AF_UNIX, true);
    addr.set(path, 2);
    const addrLen = 2 + path.length + (socketPath.startsWith("@") ? 0 : 1);
    const msg = Buffer.from(state);
    const fd = libc.symbols.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    try {
      return Number(libc.symbols.sendto(fd, ptr(msg), msg.length, MSG_NOSIGNAL, ptr(addr), addrLen)) === msg.length;
    } finally {
      libc.symbols.close(fd);
    }
  } catch {
    return false;
  }
}

/** Watchdog interval systemd expects pings within (half of WATCHDOG_USEC), or null. */
export function watchdogIntervalMs(env = process.env): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== process.pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}
