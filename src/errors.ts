/**
 * The few error classes aws-oidc raises, and the one place they are rendered.
 *
 * Every error carries a hint that says what to do next. Only `main.ts` turns an
 * error into an exit code.
 */

/** A runtime failure: the login, the IdP, STS or a file went wrong. Exit code 1. */
export class AwsOidcError extends Error {
  /** What the person should do next. */
  readonly hint?: string;
  readonly exitCode: number = 1;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "AwsOidcError";
    this.hint = options.hint;
  }
}

/** The command line or the configuration is wrong. Exit code 2. */
export class UsageError extends AwsOidcError {
  override readonly exitCode: number = 2;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** The configuration file is wrong. Exit code 2, like any usage error. */
export class ConfigError extends UsageError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/**
 * Not a failure to report: the command has printed its answer and its exit
 * code is part of that answer (`check-token-valid` says `invalid` and exits 1).
 * Rendered as nothing.
 */
export class QuietExit extends AwsOidcError {
  override readonly exitCode: number;

  constructor(exitCode: number) {
    super(`Exit code ${exitCode}`);
    this.name = "QuietExit";
    this.exitCode = exitCode;
  }
}

/** The exit code for any thrown value. */
export function exitCodeOf(error: unknown): number {
  return error instanceof AwsOidcError ? error.exitCode : 1;
}

/**
 * One line for the person: the message and, when known, the hint. With `debug`
 * the chain of causes follows on further lines.
 */
export function renderError(error: unknown, debug = false): string {
  const known = error instanceof AwsOidcError;
  const message = error instanceof Error ? error.message : String(error);
  // Deno's NotCapable: the program touched something outside its permission set (scripts/permissions.ts).
  const denied = error instanceof Deno.errors.NotCapable;
  let line = `error: ${
    known ? message : denied ? `aws-oidc's permissions do not cover this: ${message}` : `Unexpected failure: ${message}`
  }`;
  if (known && error.hint) line += ` (hint: ${error.hint})`;
  if (!known && !debug) line += " (hint: run again with --debug and report it)";
  if (!debug) return line;
  const lines = [line];
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause !== undefined) {
    lines.push(`  caused by: ${describeCause(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  if (!known && error instanceof Error && error.stack) lines.push(error.stack);
  return lines.join("\n");
}

/** The fields of an OAuth error response worth showing (RFC 6749 §5.2); anything else in it is left out. */
const OAUTH_ERROR_FIELDS = ["error", "error_description", "error_uri"];

/**
 * One cause in the `--debug` chain: an error's message (with the HTTP status
 * when it carries one), an HTTP response's status and content type, an OAuth
 * error body's fields. Never a whole object: a response body may hold tokens.
 */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const status = (cause as { status?: unknown }).status;
    return typeof status === "number" && !cause.message.includes(`HTTP ${status}`)
      ? `${cause.message} (HTTP ${status})`
      : cause.message;
  }
  if (cause instanceof Response) {
    const type = cause.headers.get("content-type");
    const body = type ? `, content-type ${type}` : cause.headers.get("content-length") === "0" ? ", empty body" : "";
    // deno-lint-ignore no-control-regex -- the status text and content type come from the server
    return `${`HTTP ${cause.status} ${cause.statusText}`.trim()}${body}`.replace(/[\x00-\x1f\x7f-\x9f]/g, " ");
  }
  if (typeof cause === "object" && cause !== null) {
    const fields = OAUTH_ERROR_FIELDS.filter((name) => typeof (cause as Record<string, unknown>)[name] === "string");
    if (fields.length === 0) return `${cause.constructor?.name ?? "object"} without an OAuth error`;
    const kept = Object.fromEntries(
      fields.map((name) => [name, (cause as Record<string, string>)[name].slice(0, 300)]),
    );
    return `OAuth error response ${JSON.stringify(kept)}`;
  }
  return String(cause);
}
