/**
 * `aws-oidc exec <profile|provider> [-- cmd args…]` and `exec --provider <name> -- …`:
 * run a program (or the user's shell) with credentials in its environment, or,
 * with `--server` or `--imds`, with a loopback credential endpoint that keeps
 * handing out fresh ones.
 */
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { QuietExit, UsageError } from "../errors.ts";
import type { Log } from "../log.ts";
import type { FlagValues } from "../config/resolve.ts";
import { getCredentials } from "../aws/credentials.ts";
import { credentialVariables } from "../output/variables.ts";
import { CONFLICTING_VARIABLES } from "../output/variables.ts";
import { startCredentialServer } from "../output/server.ts";
import { IMDS_CONFLICTING_VARIABLES, startImdsFor } from "../output/imds.ts";
import { addCacheFlags, addProviderFlags, type AuthOptions, providerFlagValues } from "./auth.ts";
import { credentialDeps, loadProvider, openStore } from "./setup.ts";
import { type NamedInput, resolveName, sessionLabel } from "./target.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

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

/** Names the session in every child's environment (for prompts), and lets a nested exec warn. */
export const SESSION_VARIABLE = "AWS_OIDC_SESSION";

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
    const input = execInput(first, rest, options);
    const code = await exec(input, context);
    if (code !== 0) throw new QuietExit(code);
  });
}

interface ExecFlags {
  provider?: string;
  server?: boolean;
  imds?: boolean;
}

/** What `exec` was asked to do. */
export interface ExecInput extends NamedInput {
  /** How the child gets credentials: fixed keys, a container credentials endpoint, or an IMDSv2 endpoint. */
  endpoint: "none" | "server" | "imds";
  /** The program and its arguments; empty for the user's shell. */
  command: string[];
}

/** Cross-flag validation: a name or --provider; at most one of --server and --imds. */
export function execInput(
  first: string | undefined,
  rest: string[],
  options: GlobalOptions & AuthOptions & ExecFlags & Record<string, unknown>,
): ExecInput {
  const name = options.provider ? undefined : first;
  const command = options.provider && first !== undefined ? [first, ...rest] : rest;
  if (!name && !options.provider) {
    throw new UsageError("exec needs a profile or provider name", { hint: "aws-oidc exec <profile> -- <command>" });
  }
  if (options.server && options.imds) {
    throw new UsageError("--server and --imds cannot be combined", { hint: "give the one your program reads" });
  }
  return {
    name,
    provider: options.provider,
    flags: providerFlagValues(options),
    cache: options,
    globals: options,
    endpoint: options.server ? "server" : options.imds ? "imds" : "none",
    command,
  };
}

/** Runs the command (or the shell); resolves to its exit code. */
export async function exec(input: ExecInput, context: CliContext): Promise<number> {
  const log = context.makeLog({ debug: input.globals.debug ?? false, quiet: input.globals.quiet ?? false });
  const outer = context.env(SESSION_VARIABLE);
  if (outer) {
    log.warn(`Already inside an aws-oidc exec session ("${outer}"); the new credentials replace its own`);
  }
  const target = await resolveName(input, context, log);
  const provider = await loadProvider(target.provider, target.flags, target.globals, context, log);
  const store = await openStore(target.cache, context, log);
  const deps = credentialDeps(provider, store, context, log);
  const mode = { noCache: target.cache.cache === false, forceLogin: target.cache.forceLogin };
  const credentials = await getCredentials(provider, deps, mode);
  // An endpoint's later requests use the cache: --force-login applies to the first login only.
  const fresh = (p = provider) => getCredentials(p, deps, { noCache: mode.noCache });

  const env: Record<string, string> = { [SESSION_VARIABLE]: sessionLabel(target) };
  const unset = [...CONFLICTING_VARIABLES];
  let server: { variables: Record<string, string>; close(): Promise<void> } | undefined;
  if (input.endpoint === "server") {
    server = startCredentialServer({ credentials: () => fresh(), log });
  } else if (input.endpoint === "imds") {
    server = startImdsFor(provider, fresh, { log });
    unset.push(...IMDS_CONFLICTING_VARIABLES);
  }
  if (server) {
    Object.assign(env, server.variables, { AWS_REGION: provider.region, AWS_DEFAULT_REGION: provider.region });
  } else {
    Object.assign(env, credentialVariables(credentials, provider.region));
  }
  const argv = input.command.length ? input.command : userShell(context.env);
  if (!input.command.length) {
    log.info(`Starting ${argv[0]} with credentials for ${env[SESSION_VARIABLE]}; exit it to return`);
  }
  try {
    return await runChild(argv, { set: env, unset }, log);
  } finally {
    await server?.close();
  }
}

/** The user's shell: `SHELL` (else /bin/sh), or on Windows `ComSpec` (else cmd.exe). */
export function userShell(env: (name: string) => string | undefined, os: string = Deno.build.os): string[] {
  if (os === "windows") return [env("ComSpec") || "cmd.exe"];
  return [env("SHELL") || "/bin/sh"];
}

/** Parses `auth` arguments found in a credential_process line, with auth's own options. */
export function parseAuthArguments(
  args: string[],
  profile: string,
): { name: string; flags: FlagValues; cache: AuthOptions; globals: GlobalOptions } {
  const command = new Command("auth").argument("<provider>").exitOverride().configureOutput({
    writeOut: () => {},
    writeErr: () => {},
  }).option("--config <path>").option("--debug").option("-q, --quiet");
  addCacheFlags(addProviderFlags(command));
  try {
    command.parse(args, { from: "user" });
  } catch (error) {
    const reason = error instanceof CommanderError ? error.message.replace(/^error: /, "") : String(error);
    throw new UsageError(`The credential_process of profile "${profile}" cannot be read: ${reason}`, {
      hint: "check that line in ~/.aws/config with aws-oidc auth --help",
    });
  }
  const options = command.opts<GlobalOptions & AuthOptions & Record<string, unknown>>();
  return { name: command.args[0], flags: providerFlagValues(options), cache: options, globals: options };
}

/** True for a word of a credential_process line that runs this program. */
export function isThisProgram(word: string): boolean {
  const name = basename(word);
  if (name === "aws-oidc" || name === "aws-oidc.exe") return true;
  if (word === Deno.execPath() && !name.startsWith("deno")) return true;
  return Deno.mainModule.startsWith("file:") && word === fileURLToPath(Deno.mainModule);
}

const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGTERM: 15,
};

/**
 * Runs the child with inherited stdio, passing SIGINT/SIGTERM on; its exit code (128+n for signal n).
 *
 * The child inherits this process's environment, less `unset`, plus `set`. The `unset` names are
 * removed from this process's own environment first: reading the whole environment to copy it
 * would need access to every variable, which the permission set (scripts/permissions.ts) does not
 * grant. aws-oidc has no further use for them once the child starts (STS calls carry their own
 * credentials, or none).
 */
async function runChild(
  argv: string[],
  env: { set: Record<string, string>; unset: readonly string[] },
  log: Log,
): Promise<number> {
  const [program, ...args] = argv;
  let child: Deno.ChildProcess | undefined;
  // Listen before spawning: a signal that arrives while the child starts must not kill aws-oidc instead.
  const forwarded: Array<[Deno.Signal, () => void]> = [];
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const forward = () => {
      try {
        child?.kill(signal);
      } catch { /* already gone */ }
    };
    try {
      Deno.addSignalListener(signal, forward);
      forwarded.push([signal, forward]);
    } catch { /* not supported on this OS */ }
  }
  try {
    try {
      for (const name of env.unset) Deno.env.delete(name);
      child = new Deno.Command(program, {
        args,
        env: env.set,
        stdin: "inherit",
        stdout: "inherit",
        stderr: "inherit",
      }).spawn();
    } catch (error) {
      throw new UsageError(`Cannot run "${program}": ${(error as Error).message}`, {
        hint: "check the command's name and your PATH",
        cause: error,
      });
    }
    const status = await child.status;
    if (status.signal) {
      log.debug(`the program ended by ${status.signal}`);
      return 128 + (SIGNAL_NUMBERS[status.signal] ?? 0);
    }
    return status.code;
  } finally {
    for (const [signal, forward] of forwarded) Deno.removeSignalListener(signal, forward);
  }
}
