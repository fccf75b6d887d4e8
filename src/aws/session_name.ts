/**
 * The RoleSessionName shown in CloudTrail: who logged in, from the ID token.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
import type { IdTokenClaims } from "../oidc/mod.ts";

/** `session_name_claim` if given, else email, else preferred_username, else sub; cleaned to `[\w+=,.@-]{2,64}`. */
export function roleSessionName(claims: IdTokenClaims, claim?: string): string {
  const candidates = claim ? [claims[claim]] : [claims.email, claims.preferred_username, claims.sub];
  const raw = candidates.find((value) => typeof value === "string" && value !== "") as string | undefined;
  return cleanSessionName(raw ?? claims.sub);
}

/** Replaces characters STS refuses and fits the length limits. */
export function cleanSessionName(raw: string): string {
  const cleaned = raw.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
  return cleaned.length >= 2 ? cleaned : cleaned.padEnd(2, "-");
}
