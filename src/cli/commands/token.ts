/** `aws-oidc token <provider|profile>`: the OIDC tokens as JSON on stdout, for tools that want them. */
import type { Command } from "commander";
import { addCacheFlags, addProviderFlags, type AuthOptions, providerFlagValues } from "../flags.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

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
    const { token } = await import("../token.ts");
    await token({ name, flags: providerFlagValues(options), globals: options, cache: options }, context);
  });
}
