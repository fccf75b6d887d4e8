/**
 * The work of `aws-oidc eks-token <profile|provider> --cluster-name NAME` (or `--provider <name>`):
 * a Kubernetes credential plugin for EKS, in place of `aws eks get-token`.
 * Prints an ExecCredential whose token is a presigned STS GetCallerIdentity
 * URL for the cluster, signed with the profile's credentials; the token is
 * cached, and main.ts answers repeat calls from the cache while it stays valid.
 */
import { UsageError } from "../errors.ts";
import type { FlagValues } from "../config/resolve.ts";
import type { Provider } from "../config/provider.ts";
import type { ConfigFile } from "../config/load.ts";
import type { CacheStore } from "../cache/store.ts";
import { cacheNames } from "../cache/entries.ts";
import { eksIndexName, type FingerprintFile, getEksToken } from "../cache/eks_tokens.ts";
import { FULL_PATH_FLAGS } from "../cache/fast_index.ts";
import { getCredentials } from "../aws/credentials.ts";
import { awsConfigPath } from "../aws/profiles.ts";
import { partitionOfRegion, partitionOfRole } from "../config/partition.ts";
import { presignEksToken } from "../aws/eks_token.ts";
import { type ExecApiVersion, execApiVersion, execCredentialJson } from "../output/exec_credential.ts";
import { type AuthOptions, providerFlagValues } from "./flags.ts";
import { openSession } from "./session.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** The flags of `eks-token` itself. */
export interface EksTokenFlags {
  provider?: string;
  clusterName?: string;
}

/** What `eks-token` was asked to do. */
export interface EksTokenInput {
  profile?: string;
  provider?: string;
  clusterName: string;
  flags: FlagValues;
  cache: AuthOptions;
  globals: GlobalOptions;
}

/** Cross-flag validation: a profile or --provider (not both), and a cluster name. */
export function eksTokenInput(
  profile: string | undefined,
  options: GlobalOptions & AuthOptions & EksTokenFlags & Record<string, unknown>,
): EksTokenInput {
  if (profile !== undefined && options.provider !== undefined) {
    throw new UsageError(`eks-token got both profile "${profile}" and --provider "${options.provider}"`, {
      hint: "give one of them",
    });
  }
  if (profile === undefined && options.provider === undefined) {
    throw new UsageError("eks-token needs a profile or --provider", {
      hint: "aws-oidc eks-token <profile|provider> --cluster-name <name>",
    });
  }
  const clusterName = options.clusterName?.trim();
  if (!clusterName) {
    throw new UsageError("eks-token needs --cluster-name", {
      hint: "name the EKS cluster the token is for, e.g. --cluster-name prod",
    });
  }
  return {
    profile,
    provider: options.provider,
    clusterName,
    flags: providerFlagValues(options),
    cache: options,
    globals: options,
  };
}

/** The work of `eks-token`, callable without the CLI. */
export async function eksToken(input: EksTokenInput, context: CliContext): Promise<void> {
  const session = openSession({ ...input, name: input.profile, profiles: true }, context);
  const { log } = session;
  const { apiVersion, warning } = execApiVersion(context.env("KUBERNETES_EXEC_INFO"));
  if (warning) log.warn(warning);
  // Read before the profile is: the fast index must describe the file as it was used.
  const awsConfig = input.profile === undefined ? undefined : await readFingerprintFile(awsConfigPath(context.env));
  const provider = await session.provider();
  checkPartition(provider);
  const store = await session.store();
  const mode = await session.mode();
  const names = await cacheNames(provider);
  const endpoint = provider.stsEndpoint;
  const request = {
    credentials: names.credentials,
    cluster: input.clusterName,
    region: provider.region,
    endpoint,
    apiVersion,
  };
  const { entry, file } = await getEksToken(request, {
    store,
    tokensFile: names.tokens,
    credentials: async () => getCredentials(provider, await session.deps(), mode),
    sign: (credentials) => {
      log.debug(`signing a token for cluster "${input.clusterName}" with ${credentials.roleArn} (${endpoint})`);
      return presignEksToken({
        clusterName: input.clusterName,
        region: provider.region,
        credentials,
        endpoint,
        now: new Date(),
      });
    },
  }, { noCache: mode.noCache || mode.forceLogin });
  log.secret(entry.token);
  context.stdout(execCredentialJson(apiVersion, entry.token, new Date(entry.expiresAt)));
  // Only what arguments, config and environment alone determine: never a role picked on the terminal.
  const config = await session.config();
  if (config.exists && !await session.interactiveChoice() && !mode.noCache && !mode.forceLogin) {
    await rememberForFastPath(context, { config, awsConfig, apiVersion }, { ...names, eksToken: file }, store);
  }
}

/** A region of another partition than the role's would sign a token no cluster of that role's account accepts. */
function checkPartition(provider: Provider): void {
  const role = provider.chain.at(-1) ?? provider.roleArn;
  const rolePartition = partitionOfRole(role);
  const regionPartition = partitionOfRegion(provider.region);
  if (rolePartition !== regionPartition) {
    throw new UsageError(
      `Region "${provider.region}" is in partition "${regionPartition}", but role "${role}" is in "${rolePartition}"`,
      { hint: `give --region a region of partition "${rolePartition}"` },
    );
  }
}

async function readFingerprintFile(path: string): Promise<FingerprintFile> {
  try {
    return { path, text: await Deno.readTextFile(path) };
  } catch {
    return { path };
  }
}

/** Lets the next identical `eks-token` be answered by the fast path (main.ts → fast_eks.ts). */
async function rememberForFastPath(
  context: CliContext,
  read: { config: ConfigFile; awsConfig?: FingerprintFile; apiVersion: ExecApiVersion },
  files: { tokens: string; credentials: string; eksToken: string },
  store: CacheStore,
): Promise<void> {
  if (context.argv[0] !== "eks-token") return;
  const args = context.argv.slice(1);
  if (args.some((arg) => FULL_PATH_FLAGS.has(arg))) return; // the fast path never answers these
  const config = { path: read.config.path, text: read.config.text };
  const name = eksIndexName(args, { config, awsConfig: read.awsConfig }, read.apiVersion, context.env);
  await store.write(name, { ...files }).catch(() => {}); // best effort: the fast path is an optimisation
}
