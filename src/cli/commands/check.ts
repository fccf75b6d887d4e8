/**
 * `aws-oidc check-token-valid <provider>`: is the cached token for STS still usable
 * (cache only, no network)? `aws-oidc check-refresh-ttl <provider>`: how long
 * the IdP will still take the cached refresh token (RFC 7662 introspection).
 */
import type { Command } from "commander";
import { addNodeLocalCacheFlag, addProviderFlags, type CacheOptions, providerFlagValues } from "../flags.ts";
import type { CheckInput } from "../check.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

/** Registers `check-token-valid` and `check-refresh-ttl`. */
export function registerChecks(program: Command, context: CliContext): void {
  const tokenValid = program
    .command("check-token-valid")
    .description("Print valid (exit 0) or invalid (exit 1): whether the cached token for STS is usable; never logs in")
    .argument("<provider>", "name of an [[AuthProvider]] in the config file");
  addNodeLocalCacheFlag(addProviderFlags(tokenValid)).addHelpText(
    "after",
    `
Examples:
  aws-oidc check-token-valid google || aws-oidc token google >/dev/null   log in only when needed

Reads the cache alone: no network, no browser. "valid" means the ID token has more than a minute left.`,
  );
  tokenValid.action(async (name: string, _options: unknown, self: Command) => {
    const { checkTokenValid } = await import("../check.ts");
    await checkTokenValid(checkInput(name, self), context);
  });

  const refreshTtl = program
    .command("check-refresh-ttl")
    .description("Ask the identity provider how long the cached refresh token stays valid (JSON on stdout)")
    .argument("<provider>", "name of an [[AuthProvider]] in the config file");
  addNodeLocalCacheFlag(addProviderFlags(refreshTtl)).addHelpText(
    "after",
    `
Examples:
  aws-oidc check-refresh-ttl google | jq .expires_in

stdout: {"active":true,"expires_in":<seconds>,"expires_at":"<ISO 8601>"} (exit 0), or {"active":false} (exit 1).
expires_in and expires_at are null when the IdP does not say. Needs the IdP's introspection endpoint (RFC 7662).`,
  );
  refreshTtl.action(async (name: string, _options: unknown, self: Command) => {
    const { checkRefreshTtl } = await import("../check.ts");
    await checkRefreshTtl(checkInput(name, self), context);
  });
}

function checkInput(name: string, self: Command): CheckInput {
  const options = self.optsWithGlobals<GlobalOptions & CacheOptions & Record<string, unknown>>();
  return { name, flags: providerFlagValues(options), globals: options, cache: options };
}
