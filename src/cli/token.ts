/** `aws-oidc token <provider|profile>`: the OIDC tokens as JSON on stdout, for tools that want them. */
import type { Command } from "commander";
import type { FlagValues } from "../config/resolve.ts";
import { getTokens } from "../aws/credentials.ts";
import type { TokenEntry } from "../cache/entries.ts";
import { addCacheFlags, addProviderFlags, type AuthOptions, providerFlagValues } from "./auth.ts";
import { credentialDeps, loadProvider, openStore } from "./setup.ts";
import { resolveName } from "./target.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

const EXAMPLES = `
Examples:
  aws-oidc token google | jq -r .id_token      the ID token, logging in if needed
  aws-oidc token google --force-login          a fresh login even when tokens are cached

stdout: {"version":1,"id_token":…,"access_token":…,"expiry":"<the ID token's exp, ISO 8601>"}`;

/** Registers the command. */
export function registerToken(program: Command, context: CliContext): void {
  const command = program
    .command("token")
    .description("Print the provider's OIDC ID and access tokens as JSON, logging in if needed")
    .argument("<name>", "an [[AuthProvider]] in the config file, or a profile in ~/.aws/config that runs aws-oidc");
  addProviderFlags(command);
  addCacheFlags(command).addHelpText("after", EXAMPLES);
  command.action(async (name: string, _options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & AuthOptions & Record<string, unknown>>();
    await token({ name, flags: providerFlagValues(options), globals: options, cache: options }, context);
  });
}

/** The work of `token`, callable without the CLI. */
export async function token(
  input: { name: string; flags: FlagValues; globals: GlobalOptions; cache: AuthOptions },
  context: CliContext,
): Promise<void> {
  const log = context.makeLog({ debug: input.globals.debug ?? false, quiet: input.globals.quiet ?? false });
  const target = await resolveName(input, context, log);
  const provider = await loadProvider(target.provider, target.flags, target.globals, context, log);
  const store = await openStore(target.cache, context, log);
  const tokens = await getTokens(provider, credentialDeps(provider, store, context, log), {
    noCache: target.cache.cache === false,
    forceLogin: target.cache.forceLogin,
  });
  context.stdout(tokenJson(tokens));
}

/** The one line `token` prints; the refresh token is never part of it. */
export function tokenJson(tokens: TokenEntry): string {
  return JSON.stringify({
    version: 1,
    id_token: tokens.idToken,
    access_token: tokens.accessToken,
    expiry: new Date(tokens.idTokenExpiresAt * 1000).toISOString(),
  }) + "\n";
}
