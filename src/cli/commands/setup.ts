/**
 * `aws-oidc setup`: from nothing to a working profile, asking what flags do
 * not say (see src/cli/setup.ts).
 */
import type { Command } from "commander";
import { PROVIDER_TYPES } from "../../config/presets.ts";
import { collect } from "../flags.ts";
import type { SetupFlags } from "../setup.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

const EXAMPLES = `
Examples:
  aws-oidc setup                                           answer the questions
  aws-oidc setup --type okta --domain example.okta.com --client-id 0oa1b2c3 \\
    --role-arn arn:aws:iam::123456789012:role/dev --yes    unattended
  aws-oidc setup --type google --client-id … --client-secret … --role-arn … \\
    --browser chrome --browser-profile Work --no-test-login --yes

Without a terminal every needed answer must be a flag, and --yes confirms writing.`;

/** Registers the command. */
export function registerSetup(program: Command, context: CliContext): void {
  const command = program
    .command("setup")
    .description("Set up a provider and an AWS profile for it, with a test login")
    .addOption(program.createOption("--type <type>", "identity provider").choices([...PROVIDER_TYPES]))
    .option("--domain <host>", "the IdP's host (okta, keycloak, onelogin, forgerock, auth0, gitlab)")
    .option("--tenant <id>", "Entra ID directory (tenant) ID")
    .option("--realm <realm>", "Keycloak or ForgeRock realm")
    .option("--authorization-server <id>", 'Okta custom authorization server, e.g. "default"')
    .option("--provider-url <url>", "issuer URL (type generic)")
    .option("--client-id <id>", "OAuth client id registered at the IdP")
    .option("--client-secret <secret>", "client secret (required by google)")
    .option("--role-arn <arn>", "IAM role to assume (repeatable: the first is the default)", collect)
    .option("--region <region>", "AWS region for STS and the profile")
    .option("--name <name>", "provider name (default: the type)")
    .option("--profile <name>", "AWS profile to write (default: the provider name)")
    .option("--no-profile", "do not touch ~/.aws/config")
    .option("--agent <command>", 'browser command, "{}" is the URL')
    .option("--browser <id>", "a detected browser: chrome, chromium, edge, brave, firefox")
    .option("--browser-profile <name>", "with --browser: its profile, by name or directory")
    .option("--no-test-login", "write without logging in first")
    .option("-y, --yes", "write without asking")
    .option("--force", "replace a provider or update a profile of the same name")
    .addHelpText("after", EXAMPLES);
  command.action(async (_options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & SetupFlags>();
    const { setup } = await import("../setup.ts");
    await setup({ flags: options, globals: options }, context);
  });
}
