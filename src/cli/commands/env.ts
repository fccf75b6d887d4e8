/** `aws-oidc env <provider|profile>`: credentials as variables for a shell, an env file or JSON, on stdout. */
import type { Command } from "commander";
import { ENV_FORMATS, type OutputFlags } from "../../output/formats.ts";
import { addCacheFlags, addOutputFlags, addProviderFlags, type AuthOptions, providerFlagValues } from "../flags.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

const EXAMPLES = `
Examples:
  eval "$(aws-oidc env google)"                          bash, zsh (the shell is detected from SHELL)
  eval "$(aws-oidc env engineer)"                        a profile in ~/.aws/config that runs aws-oidc
  aws-oidc env google | source                           fish
  aws-oidc env google | Out-String | Invoke-Expression   PowerShell
  aws-oidc env google --shell cmd > %TEMP%\\aws.cmd && call %TEMP%\\aws.cmd
  docker run --env-file <(aws-oidc env google --format dotenv) amazon/aws-cli sts get-caller-identity

--format env sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION, and unsets
AWS_PROFILE and the other variables that would make an SDK look elsewhere.
Values are single-quoted in the shell's own syntax; cmd refuses values with
", % or ! (credentials never have them). --format dotenv writes NAME=value lines
as docker's --env-file reads them: unquoted, taken literally. --format json:
{"AccessKeyId","SecretAccessKey","SessionToken","Expiration","Region"}.`;

/** Registers the command. */
export function registerEnv(program: Command, context: CliContext): void {
  const command = program
    .command("env")
    .description("Print AWS credentials as shell statements, an env file or JSON, logging in if needed")
    .argument("<name>", "an [[AuthProvider]] in the config file, or a profile in ~/.aws/config that runs aws-oidc");
  addProviderFlags(command);
  addCacheFlags(command);
  addOutputFlags(command, ENV_FORMATS).addHelpText("after", EXAMPLES);
  command.action(async (name: string, _options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & AuthOptions & OutputFlags & Record<string, unknown>>();
    const { printCredentials } = await import("../print_credentials.ts");
    await printCredentials({
      name,
      profiles: true,
      flags: providerFlagValues(options),
      cache: options,
      globals: options,
      output: options,
      formats: ENV_FORMATS,
    }, context);
  });
}
