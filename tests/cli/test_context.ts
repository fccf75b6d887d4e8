/**
 * A CLI context over a throwaway home: a config file, the cache in
 * `~/.aws-oidc/cache`, and stdout and stderr captured apart.
 */
import { join } from "node:path";
import { createLog } from "../../src/log.ts";
import type { CliContext } from "../../src/cli/context.ts";
import type { CredentialEntry, TokenEntry } from "../../src/cache/entries.ts";
import { removing } from "../helpers/dispose.ts";

/** A context, what it printed, and where its cache lives. */
export interface TestCli {
  context: CliContext;
  stdout: string[];
  stderr: string[];
  home: string;
  cacheDir: string;
}

/** A context that reads no environment, answers no question and prints nowhere (for building the program). */
export function silentContext(): CliContext {
  return {
    argv: [],
    env: () => undefined,
    stdout: () => {},
    interactive: () => false,
    makeLog: () => createLog({ stderr: () => {}, terminal: undefined }),
  };
}

/** Runs `fn` with a fresh home holding `config`; removes it afterwards. */
export async function withCli(config: string, fn: (cli: TestCli) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "aws-oidc-cli-" });
  await Deno.mkdir(join(home, ".aws-oidc"));
  await Deno.writeTextFile(join(home, ".aws-oidc", "config"), config);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const env: Record<string, string> = { HOME: home };
  const context: CliContext = {
    argv: [],
    env: (name) => env[name],
    interactive: () => false,
    stdout: (text) => stdout.push(text),
    makeLog: (options) => createLog({ ...options, stderr: (text) => stderr.push(text), terminal: undefined }),
  };
  await using _home = removing(home);
  await fn({ context, stdout, stderr, home, cacheDir: join(home, ".aws-oidc", "cache") });
}

/** A config with the providers "google" and "alias" (same issuer and client) and "other". */
export const CONFIG = `
region = "us-east-1"
provider_url = "https://idp.example"
client_id = "client"

[[AuthProvider]]
name = "google"
role_arn = "arn:aws:iam::123456789012:role/one"

[[AuthProvider]]
name = "alias"
role_arn = "arn:aws:iam::123456789012:role/two"

[[AuthProvider]]
name = "other"
role_arn = "arn:aws:iam::123456789012:role/three"
client_id = "other-client"
`;

/** Epoch milliseconds the fixtures are relative to. */
export const NOW = Date.parse("2030-01-01T12:00:00Z");

/** A token entry whose ID token expires `idTokenTtl` seconds after {@link NOW}. */
export function tokenEntry(idTokenTtl: number, overrides: Partial<TokenEntry> = {}): TokenEntry {
  return {
    issuer: "https://idp.example",
    clientId: "client",
    idToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl",
    idTokenExpiresAt: NOW / 1000 + idTokenTtl,
    sub: "user",
    aud: ["client"],
    claims: { email: "user@example.test", sub: "user" },
    accessToken: "access-token-secret-value",
    refreshToken: "refresh-token-secret-value",
    loggedInAt: NOW / 1000 - 60,
    ...overrides,
  };
}

/** A credential entry of `provider` expiring `ttl` seconds after {@link NOW}. */
export function credentialEntry(provider: string, ttl: number, roleArn: string): CredentialEntry {
  return {
    provider,
    issuer: "https://unused.example",
    clientId: "unused",
    roleArn,
    region: "us-east-1",
    duration: 3600,
    sub: "user",
    sessionName: "user@example.test",
    accessKeyId: "ASIAEXAMPLEEXAMPLE00",
    secretAccessKey: "secret-access-key-value",
    sessionToken: "session-token-value",
    expiration: new Date(NOW + ttl * 1000).toISOString(),
  };
}

/** Everything above that must never be printed. */
export const SECRETS = [
  "eyJhbGciOiJSUzI1NiJ9",
  "access-token-secret-value",
  "refresh-token-secret-value",
  "secret-access-key-value",
  "session-token-value",
];
