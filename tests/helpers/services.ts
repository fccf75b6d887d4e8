/**
 * An identity provider and STS for in-process runs of the CLI (`CliContext.services`) that count and record
 * what they issue: each token's identity, and each credential's full request.
 */
import assert from "node:assert/strict";
import { main } from "../../src/cli/main.ts";
import { createLog } from "../../src/log.ts";
import type { CliContext } from "../../src/cli/context.ts";
import type { Provider } from "../../src/config/provider.ts";
import type { Tokens } from "../../src/oidc/mod.ts";
import type { AssumeRoleRequest, ChainRequest } from "../../src/aws/sts.ts";

export type RecordingServices = ReturnType<typeof recordingServices>;

/** The identity provider and STS, counting and recording what each issued. */
export function recordingServices() {
  const counters = { logins: 0, sts: 0, chained: 0 };
  const tokens = new Map<string, Record<string, unknown>>();
  const minted = new Map<string, Record<string, unknown>>();
  return {
    counters,
    minted,
    login(provider: Provider): Promise<Tokens> {
      const n = ++counters.logins;
      const now = Math.floor(Date.now() / 1000);
      const identity = {
        issuer: provider.providerUrl,
        clientId: provider.clientId,
        scopes: [...new Set(provider.scopes)].sort(),
        authParams: provider.authParams,
      };
      const idToken = `id-${n}`;
      const accessToken = `at.${n}.sig`;
      tokens.set(idToken, { ...identity, token: "id_token" });
      tokens.set(accessToken, { ...identity, token: "access_token" });
      return Promise.resolve({
        idToken,
        accessToken,
        accessTokenExpiresAt: now + 3600,
        claims: { iss: provider.providerUrl, sub: "alice", aud: provider.clientId, exp: now + 3600, iat: now },
      });
    },
    refresh: () => Promise.reject(new Error("the model's tokens last an hour: no refresh expected")),
    assumeRole(request: AssumeRoleRequest) {
      const key = `ASIAMODEL${String(++counters.sts).padStart(11, "0")}`;
      const token = tokens.get(request.webIdentityToken);
      assert.ok(token, "STS got a token the IdP issued");
      minted.set(key, {
        ...token,
        roleArn: request.roleArn,
        chain: [],
        duration: request.durationSeconds,
        region: request.region,
        endpoint: request.endpoint,
      });
      return Promise.resolve({
        accessKeyId: key,
        secretAccessKey: `secret-${key}`,
        sessionToken: `session-${key}`,
        expiration: new Date(Date.now() + request.durationSeconds * 1000),
      });
    },
    assumeChain(request: ChainRequest) {
      const from = minted.get(request.credentials.accessKeyId)!;
      const key = `ASIACHAIN${String(++counters.chained).padStart(11, "0")}`;
      minted.set(key, { ...from, roleArn: request.chain.at(-1), chain: request.chain });
      return Promise.resolve({ ...request.credentials, accessKeyId: key });
    },
  };
}

/** Runs `aws-oidc <argv>` in-process with `env` and `services`; stdout and stderr kept apart. */
export async function runInProcess(
  argv: string[],
  env: (name: string) => string | undefined,
  services: RecordingServices,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const context: CliContext = {
    argv,
    env,
    stdout: (text) => stdout.push(text),
    interactive: () => false,
    makeLog: (options) => createLog({ ...options, stderr: (text) => stderr.push(text), terminal: undefined }),
    services,
  };
  const code = await main(argv, context);
  return { code, stdout: stdout.join(""), stderr: stderr.join("") };
}
