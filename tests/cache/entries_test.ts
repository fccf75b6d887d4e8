import assert from "node:assert/strict";
import {
  type CredentialEntry,
  idTokenUsable,
  refreshWindow,
  servableCredentials,
  type TokenEntry,
  webIdentityToken,
  webIdentityUsable,
} from "../../src/cache/entries.ts";

const NOW = Date.parse("2026-11-22T12:00:00Z");

function credentials(minutesLeft: number, sub = "alice"): CredentialEntry {
  return {
    provider: "p",
    issuer: "https://idp.example",
    clientId: "client",
    roleArn: "arn:aws:iam::123456789012:role/r",
    region: "us-east-1",
    duration: 3600,
    sub,
    sessionName: "alice",
    accessKeyId: "ASIA",
    secretAccessKey: "s",
    sessionToken: "t",
    expiration: new Date(NOW + minutesLeft * 60_000).toISOString(),
  };
}

const tokens = { sub: "alice", idTokenExpiresAt: NOW / 1000 + 120 } as TokenEntry;

Deno.test("refresh window: 15 min, half of sessions of 30 min or less, or as configured", () => {
  assert.equal(refreshWindow({ duration: 3600 }), 900);
  assert.equal(refreshWindow({ duration: 1800 }), 900);
  assert.equal(refreshWindow({ duration: 900 }), 450);
  assert.equal(refreshWindow({ duration: 3600, refreshWindow: 300 }), 300);
});

Deno.test("credentials are served while more than the window remains, for the same subject only", () => {
  const provider = { duration: 3600 };
  assert.ok(servableCredentials(credentials(16), tokens, provider, NOW));
  assert.equal(servableCredentials(credentials(14), tokens, provider, NOW), undefined);
  assert.equal(servableCredentials(credentials(50, "mallory"), tokens, provider, NOW), undefined);
  assert.equal(servableCredentials(credentials(50), undefined, provider, NOW), undefined, "logged out");
  assert.equal(servableCredentials({ ...credentials(50), expiration: "garbage" }, tokens, provider, NOW), undefined);
  assert.ok(servableCredentials(credentials(8), tokens, { duration: 900 }, NOW), "half of a 15 min session");
});

Deno.test("an ID token goes to STS only with more than a minute left", () => {
  assert.equal(idTokenUsable(tokens, NOW), true);
  assert.equal(idTokenUsable({ ...tokens, idTokenExpiresAt: NOW / 1000 + 30 }, NOW), false);
  assert.equal(idTokenUsable(undefined, NOW), false);
});

Deno.test("with token = access_token, or client credentials, the access token and its expiry count", () => {
  const entry = { ...tokens, idToken: "id", accessToken: "at", accessTokenExpiresAt: NOW / 1000 + 30 } as TokenEntry;
  const browser = { flow: "browser", token: "id_token" } as const;
  const access = { flow: "browser", token: "access_token" } as const;
  const m2m = { flow: "client_credentials", token: "id_token" } as const;
  assert.deepEqual(webIdentityToken(entry, browser), { token: "id", expiresAt: entry.idTokenExpiresAt });
  assert.deepEqual(webIdentityToken(entry, access), { token: "at", expiresAt: entry.accessTokenExpiresAt });
  assert.equal(webIdentityToken(entry, m2m).token, "at", "client credentials always send the access token");
  assert.equal(webIdentityUsable(entry, browser, NOW), true);
  assert.equal(webIdentityUsable(entry, access, NOW), false, "30 s left");
  assert.equal(webIdentityUsable({ ...entry, accessTokenExpiresAt: NOW / 1000 + 120 }, m2m, NOW), true);
  assert.equal(webIdentityUsable({ ...entry, accessTokenExpiresAt: undefined }, access, NOW), false, "expiry unknown");
  assert.equal(webIdentityUsable({ ...entry, idToken: undefined }, browser, NOW), false, "no ID token");
  assert.equal(webIdentityUsable(undefined, access, NOW), false);
});
