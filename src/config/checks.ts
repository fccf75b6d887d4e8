/**
 * The value checks of provider settings: each takes a value with the place it
 * came from and returns it typed, or throws a {@link ConfigError} naming the
 * setting, the value, its source and what to write instead.
 */
import { ConfigError } from "../errors.ts";
import { parseRoleArn } from "./arn.ts";
import { MAX_DURATION, MIN_DURATION } from "./defaults.ts";
import { isAllowedIssuerUrl, RESERVED_AUTH_PARAMS } from "./oauth.ts";
import type { RoleChoice } from "./provider.ts";

/** A setting's value as found, before it is checked. */
export interface Sourced {
  value: unknown;
  /** Where the value came from, for error messages. */
  source: string;
}

/** Refuses a value: `<key> <value> (from <source>) <problem>`, with the hint. */
export function fail(key: string, found: Sourced, problem: string, hint: string): never {
  throw new ConfigError(`${key} ${JSON.stringify(found.value)} (from ${found.source}) ${problem}`, { hint });
}

/** A string with more than white space; `key` names it in the error. */
export function checkNonEmpty(found: Sourced, key = "value"): string {
  if (typeof found.value !== "string" || found.value.trim() === "") {
    fail(key, found, "must be a non-empty string", "put the value in double quotes");
  }
  return found.value;
}

/** `role_arn`: an IAM role ARN in any partition. */
export function checkRoleArn(found: Sourced): string {
  const value = checkNonEmpty(found, "role_arn");
  if (!parseRoleArn(value)) {
    fail(
      "role_arn",
      found,
      "is not an IAM role ARN",
      "it looks like arn:aws:iam::123456789012:role/name (copy it from the IAM console)",
    );
  }
  return value;
}

/** A whole number of seconds from `min` to `max`; `problem` defaults to "is outside <min>-<max> seconds". */
function checkSeconds(
  found: Sourced,
  key: string,
  options: { min: number; max: number; hint: string; problem?: string },
): number {
  const { min, max } = options;
  if (!Number.isInteger(found.value) || (found.value as number) < min || (found.value as number) > max) {
    fail(key, found, options.problem ?? `is outside ${min}-${max} seconds`, options.hint);
  }
  return found.value as number;
}

/** `duration`: whole seconds within what STS grants. */
export function checkDuration(found: Sourced): number {
  return checkSeconds(found, "duration", {
    min: MIN_DURATION,
    max: MAX_DURATION,
    hint: "pick a whole number of seconds in that range, no more than the role's maximum session duration",
  });
}

/** `timeout`: the login wait, 1-3600 whole seconds. */
export function checkTimeout(found: Sourced): number {
  return checkSeconds(found, "timeout", { min: 1, max: 3600, hint: "give the login wait in whole seconds, e.g. 300" });
}

/** `http_timeout`: one request's wait, 1-600 whole seconds. */
export function checkHttpTimeout(found: Sourced): number {
  return checkSeconds(found, "http_timeout", {
    min: 1,
    max: 600,
    hint: "give the wait per request in whole seconds, e.g. 30",
  });
}

/** `refresh_window`: 0 up to the longest session, in whole seconds. */
export function checkRefreshWindow(found: Sourced): number {
  return checkSeconds(found, "refresh_window", {
    min: 0,
    max: MAX_DURATION,
    problem: "is not a number of seconds",
    hint: "e.g. refresh_window = 900",
  });
}

/** `roles`: a non-empty list of `{ arn, alias }` tables with valid role ARNs. */
export function checkRoles(found: Sourced): RoleChoice[] {
  const value = found.value;
  const valid = Array.isArray(value) && value.length > 0 &&
    value.every((item) =>
      typeof item === "object" && item !== null && typeof item.arn === "string" && parseRoleArn(item.arn) &&
      (item.alias === undefined || typeof item.alias === "string")
    );
  if (!valid) {
    fail(
      "roles",
      found,
      "must be a list of { arn, alias } tables",
      'e.g. roles = [{ arn = "arn:aws:iam::…", alias = "prod" }]',
    );
  }
  return value as RoleChoice[];
}

/** `chain`: one role ARN or a list of them. */
export function checkChain(found: Sourced): string[] {
  const value = typeof found.value === "string" ? [found.value] : found.value;
  if (!Array.isArray(value) || !value.every((arn) => typeof arn === "string" && parseRoleArn(arn))) {
    fail("chain", found, "must be a list of IAM role ARNs", 'e.g. chain = ["arn:aws:iam::210987654321:role/deploy"]');
  }
  return value;
}

/** One of `choices`; `key` names the setting in the error and its example. */
export function checkChoice<T extends string>(found: Sourced, key: string, choices: readonly T[]): T {
  if (!choices.includes(found.value as T)) {
    fail(key, found, `must be one of ${choices.map((c) => `"${c}"`).join(", ")}`, `e.g. ${key} = "${choices[0]}"`);
  }
  return found.value as T;
}

/** `true` or `false` (flags and variables also take 1 and 0, converted before). */
export function checkBoolean(found: Sourced): boolean {
  if (typeof found.value !== "boolean") fail("value", found, "must be true or false", "write true or false");
  return found.value;
}

/** An issuer URL under the {@link isAllowedIssuerUrl} policy, without query or fragment. */
export function checkProviderUrl(found: Sourced): string {
  const value = checkNonEmpty(found, "provider_url");
  const url = URL.parse(value);
  if (!url) fail("provider_url", found, "is not a URL", "use the issuer URL, e.g. https://accounts.google.com");
  if (!isAllowedIssuerUrl(url)) {
    fail("provider_url", found, "must use https", "only 127.0.0.1, ::1 and localhost may use plain http");
  }
  if (url.search || url.hash) {
    fail("provider_url", found, "must not have a query or fragment", "use the bare issuer URL");
  }
  return value;
}

/** `sts_endpoint`: any http(s) URL (a VPC endpoint, a proxy, a stand-in). */
export function checkHttpUrl(found: Sourced): string {
  const value = checkNonEmpty(found, "sts_endpoint");
  const protocol = URL.parse(value)?.protocol;
  if (protocol === "https:" || protocol === "http:") return value;
  fail("sts_endpoint", found, "is not an http(s) URL", "e.g. https://sts.eu-west-1.amazonaws.com");
}

/** `signin_url`: an issuer-policy URL (see {@link isAllowedIssuerUrl}) without query, fragment or credentials. */
export function checkSigninUrl(found: Sourced): string {
  const value = checkNonEmpty(found, "signin_url");
  const url = URL.parse(value);
  if (!url || !isAllowedIssuerUrl(url) || url.search || url.hash || url.username || url.password) {
    fail(
      "signin_url",
      found,
      "is not an https URL without query or credentials",
      "e.g. https://signin.aws.amazon.com/federation (plain http only on 127.0.0.1, ::1 and localhost)",
    );
  }
  return value;
}

/** `agent`: the browser command as words, the program first. */
export function checkAgent(found: Sourced): string[] {
  const value = found.value;
  if (!Array.isArray(value) || value.length === 0 || !value.every((part) => typeof part === "string")) {
    fail("agent", found, "must be a non-empty list of strings", 'e.g. agent = ["firefox", "-P", "work", "{}"]');
  }
  if (value[0].trim() === "") fail("agent", found, "has an empty command", "put the browser program first");
  return value;
}

/** `scopes`: a list of scope names (or one space-separated string), as RFC 6749 §3.3 spells them. */
export function checkScopes(found: Sourced): string[] {
  const value = typeof found.value === "string" ? found.value.split(/\s+/).filter(Boolean) : found.value;
  if (
    !Array.isArray(value) ||
    !value.every((scope) => typeof scope === "string" && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))
  ) {
    fail("scopes", found, "must be a list of scope names", 'e.g. scopes = ["openid", "email"]');
  }
  return value;
}

/**
 * `redirect_uri`: http on 127.0.0.1 or localhost, with a path, and `{port}` or a fixed port.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 */
export function checkRedirectUri(found: Sourced): string {
  const value = checkNonEmpty(found, "redirect_uri");
  const url = URL.parse(value.replace("{port}", "1"));
  if (!url || url.protocol !== "http:" || !["127.0.0.1", "localhost"].includes(url.hostname)) {
    fail(
      "redirect_uri",
      found,
      "must be an http URL on 127.0.0.1 or localhost",
      "e.g. http://127.0.0.1:{port}/auth/callback (RFC 8252 loopback redirect)",
    );
  }
  if (url.pathname === "/") {
    fail(
      "redirect_uri",
      found,
      "needs a path",
      "the callback needs a path of its own; use e.g. /auth/callback",
    );
  }
  if (!value.includes("{port}") && !/:\d+\//.test(value)) {
    fail("redirect_uri", found, "has neither {port} nor a fixed port", "write http://127.0.0.1:{port}/auth/callback");
  }
  return value;
}

/** `region`: an AWS region name in any partition. */
export function checkRegion(found: Sourced): string {
  const value = checkNonEmpty(found, "region");
  if (!/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(value)) {
    fail("region", found, "is not an AWS region name", "e.g. us-east-1 or eu-west-2");
  }
  return value;
}

/** `auth_params`: a table of strings, none of them {@link RESERVED_AUTH_PARAMS}. */
export function checkAuthParams(found: Sourced): Record<string, string> {
  const value = found.value;
  if (
    typeof value !== "object" || value === null || Array.isArray(value) ||
    !Object.values(value).every((item) => typeof item === "string")
  ) {
    fail("auth_params", found, "must be a table of strings", 'e.g. auth_params = { access_type = "offline" }');
  }
  const reserved = Object.keys(value).find((key) => RESERVED_AUTH_PARAMS.has(key));
  if (reserved) fail("auth_params", found, `may not set "${reserved}"`, "aws-oidc sets it itself; remove it");
  return value as Record<string, string>;
}
