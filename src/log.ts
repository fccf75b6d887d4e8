/**
 * Where human-readable text goes: stderr, and the controlling terminal when
 * stderr is captured (the AWS CLI and SDKs capture a credential_process's
 * stderr, so a person would otherwise never see a login URL). Never stdout.
 *
 * Everything written passes through {@link redact}: known secrets and anything
 * shaped like a JWT are masked, even in debug output; and through
 * {@link printable}, line by line, so no control character reaches a terminal.
 */
import { writeAll } from "./io.ts";

const JWT_SHAPE = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;

/** A writer for people. */
export interface Log {
  /** Progress worth showing on stderr. */
  info(message: string): void;
  /** Something the person must see even when stderr is captured: a URL to open, a wait. */
  notice(message: string): void;
  warn(message: string): void;
  /** Only with --debug. */
  debug(message: string): void;
  /** Registers a value that must never be written out. */
  secret(value: string | undefined): void;
  readonly debugEnabled: boolean;
}

/**
 * The one filter for remote text (IdP, STS, IAM, federation answers): control
 * characters, escape sequences included, become spaces, and the text is cut to
 * `maxLength`, so a server cannot move the cursor, retitle the terminal or
 * fake a line. Every line a {@link Log} writes passes through it too.
 */
export function printable(text: string, maxLength = 300): string {
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, " ").slice(0, maxLength);
}

/** Masks registered secrets and JWT-shaped strings. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text.replace(JWT_SHAPE, "[redacted token]");
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.replaceAll(secret, "[redacted]");
  }
  return out;
}

/** Options for {@link createLog}; the sinks are injectable for tests. */
export interface LogOptions {
  debug?: boolean;
  quiet?: boolean;
  stderr?: (text: string) => void;
  /** Writes to the controlling terminal; undefined when there is none or stderr is one. */
  terminal?: ((text: string) => void) | undefined;
  /** Secrets to mask, shared between the logs of one process (so the final error line masks them too). */
  secrets?: Set<string>;
}

/** A log writing to the process's stderr (and terminal, see module doc). */
export function createLog(options: LogOptions = {}): Log {
  const secrets = options.secrets ?? new Set<string>();
  const stderr = options.stderr ?? ((text: string) => writeAll(Deno.stderr, text));
  const terminal = "terminal" in options ? options.terminal : openTerminal();
  const write = (text: string, toTerminal: boolean) => {
    const line = redact(text, secrets).split("\n").map((part) => printable(part, Infinity)).join("\n") + "\n";
    stderr(line);
    if (toTerminal && terminal) terminal(line);
  };
  return {
    debugEnabled: options.debug ?? false,
    info: (message) => !options.quiet && write(message, false),
    notice: (message) => write(message, true),
    warn: (message) => write(`warning: ${message}`, false),
    debug: (message) => options.debug && write(`debug: ${message}`, false),
    secret: (value) => value && secrets.add(value),
  };
}

/**
 * The controlling terminal, when stderr is not a terminal: `/dev/tty` on Unix.
 *
 * Deno refuses to open `/dev/tty` without `--allow-all`, which aws-oidc does not
 * ask for, so a short-lived `sh` writes there instead. The text travels in the
 * child's environment (readable only by this user), not on its command line.
 * Absent (CI, daemons, Windows for now) is fine: stderr still has everything.
 */
function openTerminal(): ((text: string) => void) | undefined {
  if (Deno.stderr.isTerminal() || Deno.build.os === "windows") return undefined;
  let usable = true;
  return (text) => {
    if (!usable) return;
    try {
      const result = new Deno.Command("/bin/sh", {
        args: ["-c", 'printf "%s" "$AWS_OIDC_TTY_TEXT" > /dev/tty'],
        env: { AWS_OIDC_TTY_TEXT: text },
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).outputSync();
      usable = result.success;
    } catch {
      usable = false;
    }
  };
}
