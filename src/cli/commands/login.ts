/**
 * `aws-oidc login <provider|profile>`: the AWS console, signed in with the
 * provider's credentials, opened with the provider's `agent` (or printed).
 */
import type { Command } from "commander";
import { MAX_SESSION_DURATION, MIN_SESSION_DURATION } from "../../aws/console.ts";
import { addCacheFlags, addProviderFlags, type AuthOptions } from "../flags.ts";
import type { LoginFlags } from "../login.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

const EXAMPLES = `
Examples:
  aws-oidc login google                          the console, in the browser of google's agent
  aws-oidc login engineer                        a profile from ~/.aws/config (credential_process = aws-oidc auth …)
  aws-oidc login google --destination /s3/home --region eu-west-1
  aws-oidc login google --print                  print the sign-in URL instead of opening it

A name that is both a provider and a profile means the provider. The
partition (aws, aws-cn, aws-us-gov) comes from the role ARN; signin_url or
AWS_OIDC_SIGNIN_URL replaces its federation endpoint. The sign-in URL logs
anyone who opens it into the console for 15 minutes: it is never logged,
printed only with --print, and never put on a command line: the browser gets
a one-time link on 127.0.0.1 that redirects to it once (then answers 410),
valid for 60 s. SessionDuration is left out unless
--session-duration is given (the console session then lasts as long as the
credentials); a 400 to it is retried once without it.`;

/** Registers the command. */
export function registerLogin(program: Command, context: CliContext): void {
  const command = program
    .command("login")
    .description("Open the AWS console signed in with a provider's or profile's credentials")
    .argument("<name>", "an [[AuthProvider]] in the config file, or a profile in ~/.aws/config that runs aws-oidc")
    .option("--print", "print the sign-in URL on stdout instead of opening it (a secret for 15 minutes)")
    .option("--destination <path|url>", "console page to land on: a path (/s3/home) or a full console URL")
    .option(
      "--session-duration <seconds>",
      `console session length, ${MIN_SESSION_DURATION}-${MAX_SESSION_DURATION} (default: the credentials' lifetime)`,
    );
  addProviderFlags(command);
  addCacheFlags(command).addHelpText("after", EXAMPLES);
  // Here --region chooses where the console lands; STS keeps the provider's or profile's region.
  const region = command.options.find((option) => option.long === "--region");
  if (region) region.description = "console region to land in (STS keeps the provider's or profile's region)";
  command.action(async (name: string, _options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & AuthOptions & LoginFlags & Record<string, unknown>>();
    const { login, loginInput } = await import("../login.ts");
    await login(loginInput(name, options), context);
  });
}
