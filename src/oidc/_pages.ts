/**
 * The pages the loopback listener shows in the browser. They are static: no
 * request input is ever reflected, and the headers forbid scripts, framing and
 * referrers (the callback URL carries the authorization code).
 */

/** Security headers for every listener response. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>aws-oidc: ${title}</title>` +
    `<style>body{font:16px system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}` +
    `h1{font-size:1.4em}</style></head><body><h1>${title}</h1><p>${body}</p></body></html>`;
}

export const SUCCESS_PAGE = page(
  "Signed in",
  "aws-oidc received your login. You can close this tab and return to the terminal.",
);
export const DENIED_PAGE = page(
  "Sign-in failed",
  "The identity provider did not complete the login. The terminal shows the reason.",
);
export const STRAY_PAGE = page(
  "Not part of this login",
  "This request does not belong to the login aws-oidc is waiting for, so it was ignored. " +
    "If you are trying to sign in, start again from the terminal.",
);
export const DONE_PAGE = page("Already done", "This login has already completed. You can close this tab.");
export const USED_PAGE = page(
  "Link already used",
  "This one-time link was opened before. If that was not you, close this tab and start again in the terminal.",
);
export const NOT_FOUND_PAGE = page("Not found", "There is nothing here.");
export const FORBIDDEN_PAGE = page("Refused", "This listener only answers requests addressed to it directly.");
