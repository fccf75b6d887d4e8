/**
 * The authorization request and response of the browser login: PKCE and the
 * nonce left out only by their named opt-outs; and which failure of
 * oauth4webapi's validateAuthResponse is the RFC 9207 issuer check, told from
 * its code and the parameters it saw, not from its message.
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import { buildAuthorizationUrl, validateCallback } from "../../src/oidc/authorization_code.ts";
import { AwsOidcError } from "../../src/errors.ts";
import { testProvider } from "../helpers/provider.ts";

const AS: oauth.AuthorizationServer = {
  issuer: "https://idp.example",
  authorization_endpoint: "https://idp.example/auth",
  authorization_response_iss_parameter_supported: true,
};
const CLIENT = { client_id: "c" };
const STATE = "state-1";
const ISSUER_REFUSED = /^The login response names a different issuer \(RFC 9207 iss check failed\)$/;

function refusal(query: string, as: oauth.AuthorizationServer = AS): AwsOidcError {
  try {
    validateCallback(as, CLIENT, new URLSearchParams(query), STATE);
  } catch (error) {
    assert.ok(error instanceof AwsOidcError, `not an AwsOidcError: ${error}`);
    return error;
  }
  assert.fail(`accepted: ${query}`);
}

Deno.test("validateCallback: another issuer's iss is the RFC 9207 refusal", () => {
  const error = refusal(`code=x&state=${STATE}&iss=https%3A%2F%2Fevil.example`);
  assert.match(error.message, ISSUER_REFUSED);
  assert.match(error.hint ?? "", /mix-up/);
});

Deno.test("validateCallback: iss missing where the IdP advertises it, or sent twice, is the RFC 9207 refusal", () => {
  assert.match(refusal(`code=x&state=${STATE}`).message, ISSUER_REFUSED);
  assert.match(refusal(`code=x&state=${STATE}&iss=https%3A%2F%2Fidp.example&iss=x`).message, ISSUER_REFUSED);
});

Deno.test("validateCallback: a wrong state (the same error code as iss) is not called an issuer mix-up", () => {
  const error = refusal(`code=x&state=other&iss=https%3A%2F%2Fidp.example`);
  assert.doesNotMatch(error.message, /issuer/);
  assert.match(error.message, /^The login response is invalid: unexpected "state" response parameter value$/);
  const unadvertised = { ...AS, authorization_response_iss_parameter_supported: false };
  assert.match(refusal(`code=x&state=other`, unadvertised).message, /^The login response is invalid: /);
});

Deno.test("validateCallback: the matching iss and state pass", () => {
  const valid = validateCallback(
    AS,
    CLIENT,
    new URLSearchParams(`code=x&state=${STATE}&iss=https%3A%2F%2Fidp.example`),
    STATE,
  );
  assert.equal(valid.get("code"), "x");
});

Deno.test("buildAuthorizationUrl: S256 challenge and nonce by default; the named opt-outs leave them out", async () => {
  const provider = testProvider();
  const as = { ...AS, code_challenge_methods_supported: ["S256"] };
  const verifier = oauth.generateRandomCodeVerifier();
  const request = { redirectUri: "http://127.0.0.1:1/cb", state: STATE };
  const url = await buildAuthorizationUrl(provider, as, {
    ...request,
    nonce: "n-1",
    pkce: { method: "S256", verifier },
  });
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  assert.equal(url.searchParams.get("code_challenge"), await oauth.calculatePKCECodeChallenge(verifier));
  assert.equal(url.searchParams.get("nonce"), "n-1");

  const bare = await buildAuthorizationUrl(provider, as, {
    ...request,
    nonce: oauth.expectNoNonce,
    pkce: { method: "disabled" },
  });
  for (const name of ["code_challenge", "code_challenge_method", "nonce"]) {
    assert.equal(bare.searchParams.has(name), false);
  }
  assert.equal(bare.searchParams.get("state"), STATE);
});

Deno.test("buildAuthorizationUrl: an IdP without S256 is refused, never downgraded to plain, unless PKCE is disabled", async () => {
  const provider = testProvider();
  const as = { ...AS, code_challenge_methods_supported: ["plain"] };
  const request = { redirectUri: "http://127.0.0.1:1/cb", state: STATE, nonce: "n-1" };
  await assert.rejects(
    () => buildAuthorizationUrl(provider, as, { ...request, pkce: { method: "S256", verifier: "v".repeat(43) } }),
    /does not support PKCE with S256 \(only plain\)/,
  );
  const url = await buildAuthorizationUrl(provider, as, { ...request, pkce: { method: "disabled" } });
  assert.equal(url.searchParams.has("code_challenge"), false);
});
