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
  addCheck(program, {
    name: "check-token-valid",
    description: "Print valid (exit 0) or invalid (exit 1): whether the cached token for STS is usable; never logs in",
    help: `
Examples:
  aws-oidc check-token-valid google || aws-oidc token google >/dev/null   log in only when needed

Reads the cache alone: no network, no browser. "valid" means the ID token has more than a minute left.`,
    run: async (input) => (await import("../check.ts")).checkTokenValid(input, context),
  });
  addCheck(program, {
    name: "check-refresh-ttl",
    description: "Ask the identity provider how long the cached refresh token stays valid (JSON on stdout)",
    help: `
Examples:
  aws-oidc check-refresh-ttl google | jq .expires_in

stdout: {"active":true,"expires_in":<seconds>,"expires_at":"<ISO 8601>"} (exit 0), or {"active":false} (exit 1).
expires_in and expires_at are null when the IdP does not say. Needs the IdP's introspection endpoint (RFC 7662).`,
    run: async (input) => (await import("../check.ts")).checkRefreshTtl(input, context),
  });
}

/** One check command: a provider, its settings and --node-local-cache. */
function addCheck(
  program: Command,
  check: { name: string; description: string; help: string; run: (input: CheckInput) => Promise<void> },
): void {
  const command = program
    .command(check.name)
    .description(check.description)
    .argument("<provider>", "name of an [[AuthProvider]] in the config file");
  addNodeLocalCacheFlag(addProviderFlags(command)).addHelpText("after", check.help);
  command.action(async (name: string, _options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & CacheOptions & Record<string, unknown>>();
    await check.run({ name, flags: providerFlagValues(options), globals: options, cache: options });
  });
}
