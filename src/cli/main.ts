/**
 * The full command line, loaded only when the fast path in `main.ts` cannot
 * answer, and the command table: each command's definition (its flags and
 * help, in src/cli/commands/), whose action loads that command's work alone.
 * Commander (≈70 ms to load) is loaded when a command line must be parsed;
 * `auth`'s full path reads its arguments without it. Returns an exit code;
 * never exits by itself.
 */
import type { Command } from "commander";
import denoJson from "../../deno.json" with { type: "json" };
import { createLog } from "../log.ts";
import { trustSystemCertificates } from "../tls.ts";
import { writeAll } from "../io.ts";
import { exitCodeOf, QuietExit, renderError } from "../errors.ts";
import { registerAuth, runAuthWithoutCommander } from "./commands/auth.ts";
import { registerExec } from "./commands/exec.ts";
import { registerEksToken } from "./commands/eks_token.ts";
import { registerServe } from "./commands/serve.ts";
import { registerEnv } from "./commands/env.ts";
import { registerToken } from "./commands/token.ts";
import { registerChecks } from "./commands/check.ts";
import { registerStatus } from "./commands/status.ts";
import { registerLogout } from "./commands/logout.ts";
import { registerLogin } from "./commands/login.ts";
import { registerList } from "./commands/list.ts";
import { registerSetup } from "./commands/setup.ts";
import { registerDoctor } from "./commands/doctor.ts";
import { registerCompletions } from "./commands/completions.ts";
import type { CliContext } from "./context.ts";

/** The version from deno.json. */
export const VERSION: string = denoJson.version;

/** Builds the program with every command. */
export async function buildProgram(context: CliContext): Promise<Command> {
  const { Command } = await import("commander");
  const program = new Command("aws-oidc")
    .description("Temporary AWS credentials from an OpenID Connect login in your browser")
    .option("--config <path>", "config file (default ~/.aws-oidc/config, or AWS_OIDC_CONFIG)")
    .option("--debug", "explain each step on stderr (secrets are never printed)")
    .option("-q, --quiet", "only errors and prompts on stderr")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout(text),
      writeErr: (text) => context.makeLog({ debug: false, quiet: false }).info(text.trimEnd()),
    })
    .addHelpText(
      "after",
      `
Examples:
  aws-oidc setup                             add a provider and an AWS profile, with a test login
  aws-oidc auth google                       print credentials (use as credential_process)
  aws-oidc auth okta --role-arn arn:aws:iam::123456789012:role/dev --duration 7200
  aws-oidc token google | jq -r .id_token    print the OIDC tokens, logging in if needed
  aws-oidc check-token-valid google          valid (exit 0) or invalid (exit 1), from the cache alone
  aws-oidc status                            every cached session and when it expires
  aws-oidc logout google                     revoke the refresh token and forget the session
  aws-oidc exec engineer -- terraform plan   run a program with the profile's credentials (no program: your shell)
  aws-oidc serve engineer                    fresh credentials for containers until Ctrl-C (--imds: as EC2 metadata)
  aws-oidc eks-token engineer --cluster-name prod   kubectl's exec plugin for EKS (a cached token)
  aws-oidc list --profile admin              the IAM roles the configured client id may assume
  eval "$(aws-oidc env google)"              the credentials as variables in this shell
  aws-oidc login google                      open the AWS console in google's browser (--print: the URL)
  aws-oidc doctor                            check the config, IdPs, clock, STS, cache and profiles
  aws-oidc completions zsh                   the shell completion script (bash, zsh, fish, powershell)
  aws-oidc version

Run "aws-oidc <command> --help" for a command's options.`,
    );
  registerAuth(program, context);
  registerToken(program, context);
  registerChecks(program, context);
  registerStatus(program, context);
  registerLogout(program, context);
  registerExec(program, context);
  registerEksToken(program, context);
  registerServe(program, context);
  registerEnv(program, context);
  registerLogin(program, context);
  registerList(program, context);
  registerSetup(program, context);
  registerDoctor(program, context);
  registerCompletions(program, context);
  program
    .command("version")
    .description("Print the version and build target")
    .action(() => context.stdout(`aws-oidc ${VERSION} (${Deno.build.target})\n`));
  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(args: string[], context: CliContext = processContext(args)): Promise<number> {
  try {
    const auth = args[0] === "auth" ? runAuthWithoutCommander(args.slice(1), context) : undefined;
    if (auth) {
      await auth;
      return 0;
    }
    const { CommanderError } = await import("commander");
    const program = await buildProgram(context);
    try {
      await program.parseAsync(args, { from: "user" });
    } catch (error) {
      if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
      throw error;
    }
    return 0;
  } catch (error) {
    if (error instanceof QuietExit) return error.exitCode;
    const debug = args.includes("--debug");
    context.makeLog({ debug, quiet: false }).info(renderError(error, debug));
    return exitCodeOf(error);
  }
}

/** The real process: environment, stdout and the stderr/terminal log. */
export function processContext(argv: string[]): CliContext {
  trustSystemCertificates();
  const secrets = new Set<string>();
  return {
    argv,
    env: (name) => Deno.env.get(name),
    interactive: () => Deno.stdin.isTerminal(),
    stdout: (text) => writeAll(Deno.stdout, text),
    makeLog: (options) => createLog({ ...options, secrets }),
  };
}
