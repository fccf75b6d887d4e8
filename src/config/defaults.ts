/**
 * What a provider's settings are when nobody gave them, and the bounds of the
 * session length: the resolver fills them in, the checks hold values to them,
 * and oidc/ falls back on the same request timeout.
 */

/** Session length in seconds without `duration`. */
export const DEFAULT_DURATION = 3600;
/** The shortest session STS grants, in seconds. */
export const MIN_DURATION = 900;
/** The longest session STS grants (a role's maximum may be lower), in seconds. */
export const MAX_DURATION = 43200;
/** Seconds to wait for the person to log in. */
export const DEFAULT_TIMEOUT = 300;
/** Seconds one request to the identity provider may take. */
export const DEFAULT_HTTP_TIMEOUT = 30;
/** Scopes requested without `scopes` (`openid` is always requested). */
export const DEFAULT_SCOPES = ["openid", "email", "profile"];
/** The loopback redirect URI without `redirect_uri`; `{port}` is the listener's port. */
export const DEFAULT_REDIRECT_URI = "http://127.0.0.1:{port}/auth/callback";
