/**
 * What `doctor` finds: one result per check, each a line with ✔, ! or ✖, the
 * finding, and for anything short of ✔ what to do about it.
 */
import { AwsOidcError } from "../errors.ts";

/** ok: fine; warn: works, but worth a look; fail: something will not work. */
export type CheckStatus = "ok" | "warn" | "fail";

/** One finding. */
export interface CheckResult {
  status: CheckStatus;
  /** Which check: config, provider, discovery, jwks, clock, sts, cache, storage, profile. */
  check: string;
  /** The provider or profile it is about, if any. */
  subject?: string;
  message: string;
  /** What to do next (absent for ok). */
  hint?: string;
}

const SYMBOLS: Record<CheckStatus, string> = { ok: "✔", warn: "!", fail: "✖" };

/** A passed check. */
export function ok(check: string, message: string, subject?: string): CheckResult {
  return { status: "ok", check, subject, message };
}

/** A failed check, from a message and hint or from an error (its message and hint). */
export function fail(
  check: string,
  what: string | unknown,
  options: { hint?: string; subject?: string } = {},
): CheckResult {
  return { status: "fail", check, subject: options.subject, ...describe(what, options.hint) };
}

/** A warning. */
export function warn(check: string, message: string, options: { hint?: string; subject?: string } = {}): CheckResult {
  return { status: "warn", check, subject: options.subject, message, hint: options.hint };
}

function describe(what: unknown, hint: string | undefined): { message: string; hint?: string } {
  if (typeof what === "string") return { message: what, hint };
  if (what instanceof AwsOidcError) return { message: what.message, hint: hint ?? what.hint };
  return { message: what instanceof Error ? what.message : String(what), hint };
}

/** The report for people: one line per result. */
export function renderReport(results: CheckResult[]): string {
  return results.map((result) =>
    `${SYMBOLS[result.status]} ${result.message}${result.hint ? ` (hint: ${result.hint})` : ""}\n`
  ).join("");
}

/** The closing line: how many checks failed or warned. */
export function summary(results: CheckResult[]): string {
  const count = (status: CheckStatus) => results.filter((result) => result.status === status).length;
  const [failed, warned] = [count("fail"), count("warn")];
  if (failed === 0 && warned === 0) return `All ${results.length} checks passed`;
  return `${failed} problem${failed === 1 ? "" : "s"}, ${warned} warning${warned === 1 ? "" : "s"}`;
}
