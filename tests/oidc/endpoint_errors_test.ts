/**
 * tokenEndpointError tells a refused ID token (IdTokenRefused: it ends a
 * refresh instead of opening the browser) from a refused token response by
 * oauth4webapi's error code and cause (`cause.claim`, the JWT's claims or
 * header), not by its message. The errors here are oauth4webapi's own, from
 * token responses it processed.
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import { tokenEndpointError } from "../../src/oidc/_endpoint_errors.ts";
import { IdTokenRefused } from "../../src/oidc/tokens.ts";
import { AwsOidcError } from "../../src/errors.ts";

const AS: oauth.AuthorizationServer = {
  issuer: "https://idp.example",
  token_endpoint: "https://idp.example/token",
  id_token_signing_alg_values_supported: ["RS256"],
};
const CLIENT = { client_id: "c" };
const NONCE = "nonce-1";

function base64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

/** An ID token as oauth4webapi reads it in a token response (it does not check the signature there). */
function idToken(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: "RS256" }): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: AS.issuer,
    aud: CLIENT.client_id,
    sub: "s",
    iat: now,
    exp: now + 300,
    nonce: NONCE,
    ...claims,
  };
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined) delete payload[key as keyof typeof payload];
  }
  return `${base64url(header)}.${base64url(payload)}.c2lnbmF0dXJl`;
}

/** What tokenEndpointError makes of oauth4webapi's refusal of `body` as a token response. */
async function refusal(body: Record<string, unknown>): Promise<AwsOidcError> {
  const response = new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
  let thrown: unknown;
  try {
    await oauth.processAuthorizationCodeResponse(AS, CLIENT, response, { expectedNonce: NONCE, requireIdToken: true });
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof oauth.OperationProcessingError, `oauth4webapi did not refuse: ${thrown}`);
  return tokenEndpointError(thrown);
}

const tokens = (id_token: string | undefined) => ({ access_token: "a", token_type: "Bearer", id_token });

Deno.test("tokenEndpointError: a claim oauth4webapi compared (aud, nonce, iss) refuses the ID token", async () => {
  for (const claims of [{ aud: "other" }, { nonce: "other" }, { iss: "https://evil.example" }]) {
    const error = await refusal(tokens(idToken(claims)));
    assert.ok(error instanceof IdTokenRefused, `${JSON.stringify(claims)}: ${error.message}`);
    assert.match(error.message, /^The identity provider's ID token was refused: unexpected /);
  }
});

Deno.test("tokenEndpointError: an expired ID token (a timestamp check) is refused as an ID token", async () => {
  const error = await refusal(tokens(idToken({ exp: Math.floor(Date.now() / 1000) - 3600 })));
  assert.ok(error instanceof IdTokenRefused, error.message);
  assert.match(error.message, /"exp"/);
});

Deno.test("tokenEndpointError: a malformed ID token (a claim missing, a bad alg, not a JWS) is refused as an ID token", async () => {
  const malformed = [
    idToken({ sub: undefined }),
    idToken({}, { alg: "HS256" }),
    "not-a-jwt",
  ];
  for (const token of malformed) {
    const error = await refusal(tokens(token));
    assert.ok(error instanceof IdTokenRefused, `${token}: ${error.message}`);
    assert.equal(error.hint, "nothing was sent to AWS; check provider_url and client_id");
  }
});

Deno.test("tokenEndpointError: a token response without access_token or ID token (same error code) is not the ID token's fault", async () => {
  for (const body of [{ token_type: "Bearer", id_token: idToken({}) }, tokens(undefined)]) {
    const error = await refusal(body);
    assert.ok(!(error instanceof IdTokenRefused), `${JSON.stringify(body)}: ${error.name}`);
    assert.match(error.message, /^The identity provider's token response was refused: "response" body /);
  }
});
