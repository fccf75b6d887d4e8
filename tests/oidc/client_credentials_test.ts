/**
 * Client credentials: the client's key (RSA, EC, bad PEM), the request's
 * parameters, and the grant against the real oidc-provider fixture with
 * private_key_jwt, whose JWT access token the STS stand-in accepts.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { importClientKey, loadClientKey, PRIVATE_KEY_ENV } from "../../src/oidc/_client_key.ts";
import {
  clientCredentialsParameters,
  loginWithClientCredentials,
  verifyAccessToken,
} from "../../src/oidc/client_credentials.ts";
import { AwsOidcError, ConfigError } from "../../src/errors.ts";
import { createLog } from "../../src/log.ts";
import type { Provider } from "../../src/config/provider.ts";
import { getCredentials } from "../../src/aws/credentials.ts";
import { openCacheStore } from "../../src/cache/store.ts";
import { assumeRoleWithWebIdentity } from "../../src/aws/sts.ts";
import { startIdp, type TestIdp } from "../fixtures/idp.ts";
import { startSts } from "../fixtures/sts.ts";
import { testProvider } from "../helpers/provider.ts";
import { removing } from "../helpers/dispose.ts";

const ROLE = "arn:aws:iam::123456789012:role/ci";
const log = createLog({ stderr: () => {}, terminal: undefined });

function pem(type: "rsa" | "ec", encoding: "pkcs8" | "pkcs1" | "sec1", curve = "P-256"): string {
  const { privateKey } = type === "rsa"
    ? generateKeyPairSync("rsa", { modulusLength: 2048 })
    : generateKeyPairSync("ec", { namedCurve: curve });
  return privateKey.export({ format: "pem", type: encoding } as never) as string;
}

function m2mProvider(idp: TestIdp, keyFile: string, overrides: Partial<Provider> = {}): Provider {
  return testProvider({
    name: "ci",
    roleArn: ROLE,
    providerUrl: idp.issuer,
    clientId: idp.m2mClient.id,
    scopes: ["openid", "email", "profile"],
    flow: "client_credentials",
    privateKeyFile: keyFile,
    keyId: idp.m2mClient.keyId,
    ...overrides,
  });
}

async function keyFile(dir: string, name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await Deno.writeTextFile(path, text, { mode: 0o600 });
  return path;
}

Deno.test("RSA keys sign RS256 and EC P-256 keys ES256, PKCS#8 or as openssl writes them", async () => {
  for (
    const [text, alg, name] of [
      [pem("rsa", "pkcs8"), "RS256", "RSASSA-PKCS1-v1_5"],
      [pem("rsa", "pkcs1"), "RS256", "RSASSA-PKCS1-v1_5"],
      [pem("ec", "pkcs8"), "ES256", "ECDSA"],
      [pem("ec", "sec1"), "ES256", "ECDSA"],
      [pem("ec", "pkcs8", "P-384"), "ES384", "ECDSA"],
    ]
  ) {
    const imported = await importClientKey(text);
    assert.equal(imported.alg, alg);
    assert.equal(imported.key.algorithm.name, name);
    assert.equal(imported.key.extractable, false);
    assert.deepEqual(imported.key.usages, ["sign"]);
  }
});

Deno.test("a bad PEM, an encrypted key and a public key are refused with what to do", async () => {
  await assert.rejects(
    importClientKey("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n", 'private_key_file "k"'),
    (error: unknown) =>
      error instanceof ConfigError && /^private_key_file "k" is not a PEM private key$/.test(error.message) &&
      /BEGIN PRIVATE KEY/.test(error.hint!),
  );
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const encrypted = privateKey.export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "p" });
  await assert.rejects(
    importClientKey(encrypted as string),
    (error: unknown) =>
      error instanceof ConfigError && /is encrypted/.test(error.message) && /-nocrypt/.test(error.hint!),
  );
  await assert.rejects(
    importClientKey(publicKey.export({ format: "pem", type: "spki" }) as string),
    /is not a PEM private key/,
  );
  const { privateKey: k256 } = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
  await assert.rejects(
    importClientKey(k256.export({ format: "pem", type: "pkcs8" }) as string),
    (error: unknown) => error instanceof ConfigError && /secp256k1 key/.test(error.message),
  );
});

Deno.test("private_key_file wins over AWS_OIDC_PRIVATE_KEY, which may hold the PEM with \\n escapes", async () => {
  const dir = await Deno.makeTempDir();
  await using _dir = removing(dir);
  const rsa = pem("rsa", "pkcs8");
  const env = (name: string) => name === PRIVATE_KEY_ENV ? pem("ec", "pkcs8").replaceAll("\n", "\\n") : undefined;
  const fromFile = await loadClientKey({ privateKeyFile: await keyFile(dir, "k.pem", rsa), keyId: "k1" }, { env });
  assert.equal(fromFile?.alg, "RS256");
  assert.equal(fromFile?.kid, "k1");
  const fromEnv = await loadClientKey({}, { env });
  assert.equal(fromEnv?.alg, "ES256");
  assert.equal(fromEnv?.kid, undefined);
  assert.equal(await loadClientKey({}, { env: () => undefined }), undefined);
  await assert.rejects(
    loadClientKey({ privateKeyFile: join(dir, "missing.pem") }, { env }),
    (error: unknown) =>
      error instanceof ConfigError && /^Cannot read private_key_file ".*missing\.pem"/.test(error.message),
  );
});

Deno.test("the request drops OpenID Connect scopes and adds auth_params", () => {
  assert.equal(clientCredentialsParameters({ scopes: ["openid", "email", "profile"], authParams: {} }).toString(), "");
  assert.equal(
    clientCredentialsParameters({ scopes: ["openid", "api://aws/.default"], authParams: { audience: "sts" } })
      .toString(),
    "scope=api%3A%2F%2Faws%2F.default&audience=sts",
  );
});

Deno.test("client credentials with private_key_jwt (RS256 and ES256); the JWT access token passes STS", async () => {
  await using idp = await startIdp();
  await using sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.m2mClient.audience] }],
    roles: [{ arn: ROLE, trust: { issuer: idp.issuer, audience: idp.m2mClient.audience } }],
  });
  const dir = await Deno.makeTempDir();
  await using _dir = removing(dir);
  const provider = m2mProvider(idp, await keyFile(dir, "rsa.pem", idp.m2mClient.privateKeyPem));
  const tokens = await loginWithClientCredentials(provider, { log });
  assert.equal(tokens.idToken, undefined);
  assert.equal(tokens.claims.sub, idp.m2mClient.id);
  assert.equal(tokens.claims.aud, idp.m2mClient.audience);
  assert.equal(tokens.accessTokenExpiresAt, tokens.claims.exp);
  assert.equal(idp.counters.clientCredentialsGrants, 1);

  const es256 = m2mProvider(idp, await keyFile(dir, "ec.pem", idp.m2mClient.es256.privateKeyPem), {
    keyId: idp.m2mClient.es256.keyId,
  });
  assert.equal((await loginWithClientCredentials(es256, { log })).claims.sub, idp.m2mClient.id);

  const credentials = await assumeRoleWithWebIdentity({
    roleArn: ROLE,
    webIdentityToken: tokens.accessToken,
    roleSessionName: "ci",
    durationSeconds: 3600,
    region: "us-east-1",
    endpoint: sts.url,
  });
  assert.ok(sts.issued(credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken));
});

Deno.test("the pipeline sends the access token to STS and reuses it while it is valid", async () => {
  await using idp = await startIdp();
  await using sts = await startSts({
    providers: [{ url: idp.issuer, clientIds: [idp.m2mClient.audience] }],
    roles: [{ arn: ROLE, trust: { issuer: idp.issuer, audience: idp.m2mClient.audience } }],
  });
  const dir = await Deno.makeTempDir();
  await using _dir = removing(dir);
  const provider = m2mProvider(idp, await keyFile(dir, "rsa.pem", idp.m2mClient.privateKeyPem), {
    stsEndpoint: sts.url,
  });
  const store = await openCacheStore(join(dir, "cache"));
  const deps = {
    log,
    env: () => undefined,
    store,
    login: (p: Provider) => loginWithClientCredentials(p, { log }),
    refresh: () => Promise.reject(new Error("client credentials have no refresh")),
    assumeRole: assumeRoleWithWebIdentity,
    assumeChain: () => Promise.reject(new Error("no chain")),
    stsEndpoint: sts.url,
  };
  const first = await getCredentials(provider, deps);
  assert.equal(first.sub, idp.m2mClient.id);
  assert.equal(first.sessionName, idp.m2mClient.id, "RoleSessionName falls back to sub, the client id");
  assert.equal(first.clientId, idp.m2mClient.id);
  // Without the credentials file the cached access token goes to STS again: no second grant.
  for (const name of await store.list()) if (name.startsWith("credentials-")) await store.remove(name);
  await getCredentials(provider, deps);
  assert.equal(idp.counters.clientCredentialsGrants, 1);
  assert.equal(sts.counters.assumeRoleWithWebIdentity, 2);
});

Deno.test("a client not allowed the grant, a key the IdP does not know, no credentials: each says what to fix", async () => {
  await using idp = await startIdp();
  const dir = await Deno.makeTempDir();
  await using _dir = removing(dir);
  const key = await keyFile(dir, "rsa.pem", idp.m2mClient.privateKeyPem);
  await assert.rejects(
    loginWithClientCredentials(
      m2mProvider(idp, key, {
        clientId: idp.confidentialClient.id,
        clientSecret: idp.confidentialClient.secret,
        privateKeyFile: undefined,
      }),
      { log },
    ),
    (error: unknown) =>
      error instanceof AwsOidcError &&
      /^The identity provider does not allow the client credentials grant for client "aws-oidc-test-confidential" \(invalid_request: requested grant type is not allowed for this client\)$/
        .test(error.message) &&
      /client_credentials grant/.test(error.hint!),
  );
  await assert.rejects(
    loginWithClientCredentials(m2mProvider(idp, await keyFile(dir, "other.pem", pem("rsa", "pkcs8"))), { log }),
    (error: unknown) =>
      error instanceof AwsOidcError &&
      /refused the authentication of client "aws-oidc-test-m2m"/.test(error.message) &&
      /public half of this private key/.test(error.hint!),
  );
  await assert.rejects(
    loginWithClientCredentials(m2mProvider(idp, key, { privateKeyFile: undefined }), { log }),
    (error: unknown) => error instanceof ConfigError && /has no client credentials/.test(error.message),
  );
  assert.equal(idp.counters.clientCredentialsGrants, 0);
});

Deno.test("an opaque access token, or one from another issuer, is refused before STS", async () => {
  await using idp = await startIdp();
  const dir = await Deno.makeTempDir();
  await using _dir = removing(dir);
  const jwksUri = `${idp.issuer}/jwks`;
  await assert.rejects(
    verifyAccessToken("2YotnFZFEjr1zCsicMWpAA", { issuer: idp.issuer, jwksUri }),
    (error: unknown) =>
      error instanceof AwsOidcError && /opaque access token; STS needs a JWT/.test(error.message) &&
      /JWT access tokens/.test(error.hint!),
  );
  const provider = m2mProvider(idp, await keyFile(dir, "rsa.pem", idp.m2mClient.privateKeyPem));
  const { accessToken } = await loginWithClientCredentials(provider, { log });
  await assert.rejects(
    verifyAccessToken(accessToken, { issuer: "https://other.example", jwksUri }),
    /access token was refused: claim "iss" failed/,
  );
});
