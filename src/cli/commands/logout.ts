/**
 * `aws-oidc logout <provider>` / `aws-oidc logout --all`: revoke the refresh
 * token at the IdP (RFC 7009), then delete the cached tokens and every
 * credential file obtained with them.
 */
import type { Command } from "commander";
import { addNodeLocalCacheFlag, addProviderFlags, type CacheOptions, providerFlagValues } from "../flags.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

/** Registers the command. */
export function registerLogout(program: Command, context: CliContext): void {
  const command = program
    .command("logout")
    .description("Revoke the refresh token at the identity provider and delete the cached tokens and credentials")
    .argument("[provider]", "name of an [[AuthProvider]] in the config file")
    .option("--all", "log out of every cached session");
  addNodeLocalCacheFlag(addProviderFlags(command)).addHelpText(
    "after",
    `
Examples:
  aws-oidc logout google
  aws-oidc logout --all

The cached files are deleted even when the identity provider cannot be reached; the
exit code is then 1, as the refresh token may stay valid there until it expires.`,
  );
  command.action(async (name: string | undefined, _options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & CacheOptions & { all?: boolean } & Record<string, unknown>>();
    const { logout, parseLogoutTarget } = await import("../logout.ts");
    const target = parseLogoutTarget(name, options.all ?? false, providerFlagValues(options));
    await logout({ target, globals: options, cache: options }, context);
  });
}
