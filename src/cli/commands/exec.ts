/**
 * `aws-oidc exec <profile|provider> [-- cmd args…]` and `exec --provider <name> -- …`:
 * run a program (or the user's shell) with credentials in its environment, or,
 * with `--server` or `--imds`, with a loopback credential endpoint that keeps
 * handing out fresh ones.
 */
import type { Command } from "commander";
import { QuietExit } from "../../errors.ts";
import { addCacheFlags, addProviderFlags, type AuthOptions } from "../flags.ts";
import type { ExecFlags } from "../exec.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

const EXAMPLES = `
Examples:
  aws-oidc exec engineer -- terraform plan          a profile from ~/.aws/config (or a provider's name)
  aws-oidc exec engineer                            your shell ($SHELL; ComSpec on Windows) with the credentials
  aws-oidc exec --provider google --role-arn arn:aws:iam::123456789012:role/dev -- aws s3 ls
  aws-oidc exec --server prod -- terraform apply    fresh credentials for runs longer than one session
  aws-oidc exec --imds prod -- jupyter lab          for tools that only read the EC2 instance metadata service

The program gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION and AWS_DEFAULT_REGION (with --server:
AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN instead
of keys; with --imds: AWS_EC2_METADATA_SERVICE_ENDPOINT), and AWS_OIDC_SESSION
("<provider>", or "<profile> (<provider>)") for a prompt to show; AWS_PROFILE and
other credential variables are removed. Its exit code becomes aws-oidc's; Ctrl-C
and SIGTERM are passed on to it.`;

/** Registers the command. */
export function registerExec(program: Command, context: CliContext): void {
  const command = program
    .command("exec")
    .description("Run a program, or your shell, with AWS credentials from an aws-oidc profile or provider")
    .argument("[name]", "a profile in ~/.aws/config whose credential_process is aws-oidc, or a provider")
    .argument("[command...]", "the program and its arguments, after -- (none: your shell)")
    .option("--provider <name>", "use an [[AuthProvider]] directly instead of a profile")
    .option("--server", "serve credentials on 127.0.0.1 (container credentials protocol) instead of fixed keys")
    .option("--imds", "serve credentials on 127.0.0.1 as the EC2 instance metadata service (IMDSv2) does");
  addProviderFlags(command);
  addCacheFlags(command).addHelpText("after", EXAMPLES);
  command.action(async (first: string | undefined, rest: string[], _options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & AuthOptions & ExecFlags & Record<string, unknown>>();
    const { exec, execInput } = await import("../exec.ts");
    const code = await exec(execInput(first, rest, options), context);
    if (code !== 0) throw new QuietExit(code);
  });
}
