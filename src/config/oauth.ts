/**
 * The OAuth and OpenID Connect rules a provider's settings are checked
 * against, named here because config/ checks them and oidc/ (a higher layer)
 * applies the same rules to what the identity provider sends back.
 */

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * The issuer URL policy: https, or http on a loopback host (tests and the demo).
 * Also applied to the other URLs an IdP hands out (device verification, `signin_url`).
 */
export function isAllowedIssuerUrl(url: URL): boolean {
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
}

/**
 * Authorization request parameters aws-oidc sets itself; `auth_params` may not override them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */
export const RESERVED_AUTH_PARAMS = new Set([
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
]);
