/** `aws-oidc status [--json]`: every cached session, without a secret in sight. */
import type { Command } from "commander";
import { addNodeLocalCacheFlag, type CacheOptions } from "../flags.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

/** Registers the command. */
export function registerStatus(program: Command, context: CliContext): void {
  const command = program
    .command("status")
    .description("List the cached sessions: provider, role and when they expire (no secrets)")
    .option("--json", "print a JSON array instead of a table");
  addNodeLocalCacheFlag(command).addHelpText(
    "after",
    `
Examples:
  aws-oidc status
  aws-oidc status --json | jq '.[] | select(.expires_in > 0) | .provider'`,
  );
  command.action(async (_options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & CacheOptions & { json?: boolean }>();
    const { status } = await import("../status.ts");
    await status({ json: options.json ?? false, globals: options, cache: options }, context);
  });
}
