/**
 * Client authentication and the IdP's refusals: `token_endpoint_auth_method`
 * chosen by the user or from the metadata, and the answers of an IdP that
 * refuses without an OAuth error body (Glewlwyd's empty 400 and 401), shown
 * with their HTTP status and, under --debug, their structured causes.
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import { requireProvider } from "../../src/config/resolve.ts";
import { clientAuthentication, endpointAllows, notAllowedError } from "../../src/oidc/_connect.ts";
import { bareRefusalStatus, tokenEndpointError } from "../../src/oidc/_endpoint_errors.ts";
import { ConfigError, renderError } from "../../src/errors.ts";
import { assertConfigError, configFile, testProvider } from "../helpers/provider.ts";

const AS: oauth.AuthorizationServer = {
  issuer: "https://idp.example",
  token_endpoint: "https://idp.example/token",
  token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
  introspection_endpoint_auth_methods_supported: ["client_secret_basic"],
};
const CLIENT = { client_id: "id-with_chars.~" };

/** What a ClientAuth puts on the request. */
async function applied(auth: oauth.ClientAuth): Promise<{ body: URLSearchParams; authorization: string | null }> {
  const body = new URLSearchParams();
  const headers = new Headers();
  await auth(AS, CLIENT, body, headers);
  return { body, authorization: headers.get("authorization") };
}

Deno.test("token_endpoint_auth_method: from the file, AWS_OIDC_TOKEN_ENDPOINT_AUTH_METHOD or the flag; a wrong value is a config error", () => {
  const text = `[[AuthProvider]]
name = "g"
role_arn = "arn:aws:iam::123456789012:role/r"
provider_url = "https://idp.example"
client_id = "c"
token_endpoint_auth_method = "client_secret_post"
`;
  const resolve = (flags = {}, env: Record<string, string> = {}, config = text) =>
    requireProvider({ config: configFile(config), name: "g", flags, env: (name) => env[name] });
  assert.equal(resolve().tokenEndpointAuthMethod, "client_secret_post");
  assert.equal(
    resolve({}, { AWS_OIDC_TOKEN_ENDPOINT_AUTH_METHOD: "none" }).tokenEndpointAuthMethod,
    "none",
  );
  assert.equal(resolve({ token_endpoint_auth_method: "private_key_jwt" }).tokenEndpointAuthMethod, "private_key_jwt");
  assert.equal(resolve({}, {}, text.replace(/^token_endpoint.*$/m, "")).tokenEndpointAuthMethod, undefined);
  assertConfigError(
    () => resolve({ token_endpoint_auth_method: "client_secret_jwt" }),
    /token_endpoint_auth_method.*must be one of "client_secret_basic", "client_secret_post", "private_key_jwt", "none"/,
  );
});

Deno.test("client authentication: Basic by default when listed, client_secret_post when chosen, none for a public client", async () => {
  const basic = await clientAuthentication(testProvider({ clientSecret: "s-_.~" }), AS);
  assert.equal(basic.method, "client_secret_basic");
  assert.match((await applied(basic.auth)).authorization ?? "", /^Basic /);

  const post = await clientAuthentication(
    testProvider({ clientSecret: "s-_.~", tokenEndpointAuthMethod: "client_secret_post" }),
    AS,
  );
  assert.equal(post.method, "client_secret_post");
  const sent = await applied(post.auth);
  assert.equal(sent.authorization, null);
  assert.equal(sent.body.get("client_secret"), "s-_.~");
  assert.equal(sent.body.get("client_id"), CLIENT.client_id);

  const onlyPost = await clientAuthentication(testProvider({ clientSecret: "s" }), {
    ...AS,
    token_endpoint_auth_methods_supported: ["client_secret_post"],
  });
  assert.equal(onlyPost.method, "client_secret_post");

  const none = await clientAuthentication(testProvider({ clientSecret: "s", tokenEndpointAuthMethod: "none" }), AS);
  assert.equal(none.method, "none");
  assert.equal((await applied(none.auth)).body.get("client_secret"), null);
  assert.equal((await clientAuthentication(testProvider({ clientSecret: undefined }), AS)).method, "none");
});

Deno.test("client authentication: a chosen method without its secret or key, or one the IdP does not list, is refused", async () => {
  await assert.rejects(
    clientAuthentication(testProvider({ clientSecret: undefined, tokenEndpointAuthMethod: "client_secret_post" }), AS),
    (error) => error instanceof ConfigError && /"client_secret_post" needs a client_secret/.test(error.message),
  );
  await assert.rejects(
    clientAuthentication(testProvider({ tokenEndpointAuthMethod: "private_key_jwt" }), AS, { env: () => undefined }),
    (error) => error instanceof ConfigError && /"private_key_jwt" needs a private key/.test(error.message),
  );
  await assert.rejects(
    clientAuthentication(testProvider({ clientSecret: "s", tokenEndpointAuthMethod: "client_secret_post" }), {
      ...AS,
      token_endpoint_auth_methods_supported: ["client_secret_basic"],
    }),
    /does not support the client authentication method "client_secret_post" \(it lists "client_secret_basic"\)/,
  );
});

Deno.test("an empty-bodied 401 from the revocation endpoint is a refusal with its status, not a JSON problem", async () => {
  const error = await oauth.processRevocationResponse(new Response(null, { status: 401 })).catch((e) => e);
  assert.equal(bareRefusalStatus(error), 401);
  const described = tokenEndpointError(error, { endpoint: "revocation endpoint", authMethod: "none" });
  assert.equal(
    described.message,
    "The identity provider's revocation endpoint refused (HTTP 401), without an OAuth error",
  );
  assert.match(described.hint!, /did not accept this client's authentication \(none\)/);
  const rendered = renderError(described, true);
  assert.match(rendered, /caused by: HTTP 401/);
  assert.doesNotMatch(rendered, /\[object /);
});

Deno.test("--debug shows an OAuth error body's fields and the HTTP status, never [object Object]", async () => {
  const body = { error: "invalid_client", error_description: "bad secret", access_token: "must-not-show" };
  const error = await oauth.processRevocationResponse(
    new Response(JSON.stringify(body), { status: 401, headers: { "content-type": "application/json" } }),
  ).catch((e) => e);
  const rendered = renderError(tokenEndpointError(error, { authMethod: "client_secret_basic" }), true);
  assert.match(rendered, /caused by: .*\(HTTP 401\)/);
  assert.match(
    rendered,
    /caused by: OAuth error response \{"error":"invalid_client","error_description":"bad secret"\}/,
  );
  assert.match(rendered, /token_endpoint_auth_method = "client_secret_post"/, "the hint names the other method");
  assert.doesNotMatch(rendered, /\[object |must-not-show/);
});

Deno.test("the metadata's endpoint auth methods: an unlisted method is refused in plain words", () => {
  assert.equal(endpointAllows(AS, "introspection", "none"), false);
  assert.equal(endpointAllows(AS, "introspection", "client_secret_basic"), true);
  assert.equal(endpointAllows(AS, "revocation", "none"), undefined, "not listed: not known");
  const error = notAllowedError(AS, "introspection", "none");
  assert.equal(
    error.message,
    'The identity provider does not allow introspection for this client: its introspection endpoint accepts only "client_secret_basic", and this client is public (no client_secret)',
  );
  assert.match(error.hint!, /only to confidential clients/);
});
