/**
 * `doctor`'s checks of one provider's IdP: the discovery document names the
 * configured issuer, the JWKS it points at holds keys that can verify ID
 * tokens, and this machine's clock agrees with the IdP's `Date` header.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-4
 */
import type * as oauth from "oauth4webapi";
import type { Provider } from "../config/provider.ts";
import { isAllowedIssuerUrl } from "../config/oauth.ts";
import {
  ALLOWED_ALGORITHMS,
  CLOCK_LEEWAY,
  limitedFetch,
  processDiscovery,
  requestDiscovery,
  unreachable,
} from "../oidc/mod.ts";
import { type CheckResult, fail, ok, warn } from "./report.ts";

/** Skew worth a warning though still inside the ID token leeway, in seconds. */
export const SKEW_WARNING = 10;

/** Options of {@link checkIdp}. */
export interface IdpCheckOptions {
  /** Per request. */
  timeoutMs: number;
  now?: () => number;
}

/** The discovery, JWKS and clock findings for one provider. */
export async function checkIdp(provider: Provider, options: IdpCheckOptions): Promise<CheckResult[]> {
  const now = options.now ?? Date.now;
  const subject = provider.name;
  const prefix = `Provider "${provider.name}": `;
  const issuer = provider.providerUrl;
  let response: Response;
  const sent = now();
  try {
    response = await requestDiscovery(issuer, options.timeoutMs);
  } catch (error) {
    const problem = unreachable(issuer, error);
    return [fail("discovery", prefix + problem.message, { hint: problem.hint, subject })];
  }
  const received = now();
  const results = [
    checkClock(response.headers.get("date"), { sent, received, prefix, subject, age: response.headers.get("age") }),
  ];
  let metadata: oauth.AuthorizationServer;
  try {
    metadata = await processDiscovery(issuer, response);
  } catch (error) {
    const problem = error as { message: string; hint?: string };
    return [fail("discovery", prefix + problem.message, { hint: problem.hint, subject }), ...results];
  }
  results.unshift(ok("discovery", `${prefix}discovery document names the issuer "${metadata.issuer}"`, subject));
  results.push(await checkJwks(metadata, { timeoutMs: options.timeoutMs, prefix, subject }));
  return results;
}

/**
 * The skew between this clock and the IdP's `Date` header (whole seconds, so
 * half a second of doubt plus half the round trip is allowed for; a cached
 * answer's `Age` is added). Beyond the ID token leeway, logins fail: tokens
 * look issued in the future or expired.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9111#section-5.1
 */
export function checkClock(
  date: string | null,
  context: { sent: number; received: number; prefix: string; subject: string; age?: string | null },
): CheckResult {
  const age = /^\d+$/.test(context.age ?? "") ? Number(context.age) * 1000 : 0;
  const serverMs = (date === null ? NaN : Date.parse(date)) + age;
  if (!Number.isFinite(serverMs)) {
    return warn("clock", `${context.prefix}the IdP sent no usable Date header, so the clock was not compared`, {
      subject: context.subject,
      hint: "make sure this machine's clock is synchronised (NTP)",
    });
  }
  const skewMs = serverMs + 500 - (context.sent + context.received) / 2;
  const doubtMs = 500 + (context.received - context.sent) / 2;
  const beyond = Math.max(0, Math.abs(skewMs) - doubtMs) / 1000;
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  const side = skewMs > 0 ? "behind" : "ahead of";
  const hint = "ID tokens are refused beyond " + CLOCK_LEEWAY +
    " s of skew (issued in the future, or expired); synchronise the clock, e.g. sudo timedatectl set-ntp true";
  if (beyond > CLOCK_LEEWAY) {
    return fail("clock", `${context.prefix}this clock is ${seconds} s ${side} the IdP's (its Date header)`, {
      subject: context.subject,
      hint,
    });
  }
  if (beyond > SKEW_WARNING) {
    return warn("clock", `${context.prefix}this clock is ${seconds} s ${side} the IdP's (its Date header)`, {
      subject: context.subject,
      hint,
    });
  }
  return ok(
    "clock",
    `${context.prefix}this clock agrees with the IdP's within ${Math.max(1, seconds)} s`,
    context.subject,
  );
}

/** The JWK families that can verify each allowed algorithm. */
function keyTypeOf(alg: string): string {
  if (alg.startsWith("RS") || alg.startsWith("PS")) return "RSA";
  if (alg.startsWith("ES")) return "EC";
  return "OKP";
}

/** Fetches the JWKS and looks for public signing keys the IdP's algorithms can use. */
async function checkJwks(
  metadata: oauth.AuthorizationServer,
  context: { timeoutMs: number; prefix: string; subject: string },
): Promise<CheckResult> {
  const { prefix, subject } = context;
  const uri = metadata.jwks_uri!;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return fail("jwks", `${prefix}jwks_uri "${uri}" is not a URL`, { subject, hint: "fix the IdP's metadata" });
  }
  if (!isAllowedIssuerUrl(url)) {
    return fail("jwks", `${prefix}jwks_uri "${uri}" does not use https`, { subject, hint: "fix the IdP's metadata" });
  }
  let keys: unknown;
  try {
    const response = await limitedFetch(url, { signal: AbortSignal.timeout(context.timeoutMs), redirect: "error" });
    if (!response.ok) {
      await response.body?.cancel();
      return fail("jwks", `${prefix}the JWKS at "${uri}" answered HTTP ${response.status}`, {
        subject,
        hint: "the IdP must publish its signing keys there; check the IdP",
      });
    }
    keys = (await response.json())?.keys;
  } catch (error) {
    const problem = unreachable(uri, error);
    return fail("jwks", `${prefix}cannot fetch the JWKS at "${uri}": ${problem.message.replace(/^.*?": /, "")}`, {
      subject,
      hint: "the IdP must serve its signing keys there as JSON; check the network and the IdP",
    });
  }
  if (!Array.isArray(keys)) {
    return fail("jwks", `${prefix}the JWKS at "${uri}" has no "keys" array`, { subject, hint: "check the IdP" });
  }
  if (keys.some((key) => typeof key?.d === "string")) {
    return fail("jwks", `${prefix}the JWKS at "${uri}" publishes a private key`, {
      subject,
      hint: "tell the IdP's administrators at once: anyone can forge its tokens",
    });
  }
  const supported = (metadata.id_token_signing_alg_values_supported ?? ["RS256"])
    .filter((alg) => ALLOWED_ALGORITHMS.includes(alg));
  const usable = keys.filter((key) => usableKey(key, supported));
  if (usable.length === 0) {
    return fail("jwks", `${prefix}the JWKS at "${uri}" has no public key for ${supported.join(", ") || "RS256"}`, {
      subject,
      hint: "ID tokens cannot be verified; the IdP must publish the public keys it signs with",
    });
  }
  return ok("jwks", `${prefix}the JWKS has ${usable.length} signing key${usable.length === 1 ? "" : "s"}`, subject);
}

/** A public signing key with its parameters present, of a family one of `algs` can use. */
function usableKey(key: Record<string, unknown>, algs: string[]): boolean {
  if (typeof key !== "object" || key === null) return false;
  if (key.use !== undefined && key.use !== "sig") return false;
  const wanted = typeof key.alg === "string" ? [key.alg].filter((alg) => algs.includes(alg)) : algs;
  if (!wanted.some((alg) => keyTypeOf(alg) === key.kty)) return false;
  const needs = key.kty === "RSA" ? ["n", "e"] : key.kty === "EC" ? ["crv", "x", "y"] : ["crv", "x"];
  return needs.every((name) => typeof key[name] === "string");
}
