/** `aws-oidc auth <provider>`: credential_process output on stdout. */
import type { Command } from "commander";
import { readAuthArguments } from "../../aws/credential_process.ts";
import { OUTPUT_FORMATS, type OutputFlags } from "../../output/formats.ts";
import { addCacheFlags, addOutputFlags, addProviderFlags, type AuthOptions, providerFlagValues } from "../flags.ts";
import type { PrintCredentialsInput } from "../print_credentials.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

const EXAMPLES = `
Examples:
  In ~/.aws/config:
    [profile default]
    credential_process = aws-oidc auth google

    [profile engineer]
    credential_process = aws-oidc auth onelogin --role_arn=arn:aws:iam::123456789012:role/engineer --duration 7200

  By hand:
    aws-oidc auth google | jq .Expiration
    eval "$(aws-oidc auth google --format env)"            the variables in this shell (or: aws-oidc env google)
    aws-oidc auth google --format aws-credentials --profile-name work    a profile in ~/.aws/credentials
    aws-oidc auth google --region eu-west-1 --agent "firefox -P work {}"

Settings come from the command line, then AWS_OIDC_<KEY> variables (e.g.
AWS_OIDC_ROLE_ARN), then the provider's [[AuthProvider]] table, then the top
level of ~/.aws-oidc/config (AWS_OIDC_CONFIG or --config to move it).`;

/** Registers the command. */
export function registerAuth(program: Command, context: CliContext): void {
  const command = program
    .command("auth")
    .description("Log in with an OpenID Connect provider and print AWS credentials for credential_process")
    .argument("<provider>", "name of an [[AuthProvider]] in the config file");
  addProviderFlags(command);
  addCacheFlags(command);
  addOutputFlags(command, OUTPUT_FORMATS).addHelpText("after", EXAMPLES);
  command.action(async (name: string, _options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & AuthOptions & OutputFlags & Record<string, unknown>>();
    await runAuth(
      { name, flags: providerFlagValues(options), globals: options, cache: options, output: options },
      context,
    );
  });
}

/**
 * `auth`'s full path without commander (≈70 ms to load): `args` (after `auth`)
 * read by the credential_process reader, which knows every option of `auth`
 * and, with `output`, its output options. Undefined when they need commander:
 * help, or anything it would refuse (its messages say what is wrong).
 */
export function runAuthWithoutCommander(args: string[], context: CliContext): Promise<void> | undefined {
  if (args.includes("-h") || args.includes("--help")) return undefined;
  let parsed;
  try {
    parsed = readAuthArguments(args, { output: true });
  } catch {
    return undefined;
  }
  return runAuth(parsed, context);
}

async function runAuth(input: PrintCredentialsInput, context: CliContext): Promise<void> {
  const { printCredentials } = await import("../print_credentials.ts");
  await printCredentials(input, context);
}
