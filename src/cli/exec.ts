/**
 * The work of `aws-oidc exec <profile|provider> [-- cmd args…]` and `exec --provider <name> -- …`:
 * run a program (or the user's shell) with credentials in its environment, or,
 * with `--server` or `--imds`, with a loopback credential endpoint that keeps
 * handing out fresh ones.
 */
import { UsageError } from "../errors.ts";
import { getCredentials } from "../aws/credentials.ts";
import { credentialVariables } from "../output/variables.ts";
import { CONFLICTING_VARIABLES } from "../output/variables.ts";
import { startCredentialServer } from "../output/server.ts";
import { IMDS_CONFLICTING_VARIABLES, startImdsFor } from "../output/imds.ts";
import { runChild, userShell } from "../output/child.ts";
import { type AuthOptions, providerFlagValues } from "./flags.ts";
import { openSession } from "./session.ts";
import { type NamedInput, sessionLabel } from "./target.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** Names the session in every child's environment (for prompts), and lets a nested exec warn. */
export const SESSION_VARIABLE = "AWS_OIDC_SESSION";

/** The flags of `exec` itself. */
export interface ExecFlags {
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
  const session = openSession({ ...input, profiles: true }, context);
  const { log } = session;
  const outer = context.env(SESSION_VARIABLE);
  if (outer) {
    log.warn(`Already inside an aws-oidc exec session ("${outer}"); the new credentials replace its own`);
  }
  const target = await session.target();
  const provider = await session.provider();
  const deps = await session.deps();
  const mode = await session.mode();
  const credentials = await getCredentials(provider, deps, mode);
  // An endpoint's later requests use the cache: --force-login applies to the first login only.
  const fresh = (p = provider) => getCredentials(p, deps, { noCache: mode.noCache });

  const env: Record<string, string> = { [SESSION_VARIABLE]: sessionLabel(target) };
  const unset = [...CONFLICTING_VARIABLES];
  await using server = input.endpoint === "server"
    ? startCredentialServer({ credentials: () => fresh(), log })
    : input.endpoint === "imds"
    ? startImdsFor(provider, fresh, { log })
    : undefined;
  if (input.endpoint === "imds") unset.push(...IMDS_CONFLICTING_VARIABLES);
  if (server) {
    Object.assign(env, server.variables, { AWS_REGION: provider.region, AWS_DEFAULT_REGION: provider.region });
  } else {
    Object.assign(env, credentialVariables(credentials, provider.region));
  }
  const argv = input.command.length ? input.command : userShell(context.env);
  if (!input.command.length) {
    log.info(`Starting ${argv[0]} with credentials for ${env[SESSION_VARIABLE]}; exit it to return`);
  }
  return await runChild(argv, { set: env, unset }, log);
}
