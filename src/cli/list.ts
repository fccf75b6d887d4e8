/** The work of `aws-oidc list`: the IAM roles whose trust policy lets an OIDC audience (client id) in. */
import { defaultIamEndpoint } from "../config/partition.ts";
import type { ConfigFile } from "../config/load.ts";
import { providerNames, requireProvider } from "../config/resolve.ts";
import { UsageError } from "../errors.ts";
import {
  audienceClaim,
  type IamRole,
  listRoles,
  type ListRolesRequest,
  matchRole,
  parseTrustPolicy,
  type RoleMatch,
  type TrustQuery,
} from "../aws/iam_list.ts";
import { openSession } from "./session.ts";
import type { CliContext, GlobalOptions } from "./context.ts";

/** The flags of `list`. */
export interface ListFlags {
  claim?: string;
  clientId?: string;
  provider?: string;
  profile?: string;
  json?: boolean;
}

/** The outside world of {@link list}, injectable for tests. */
export interface ListDeps {
  listRoles: (request: ListRolesRequest) => Promise<IamRole[]>;
}

/** The work of `list`, callable without the CLI. */
export async function list(
  input: { flags: ListFlags; globals: GlobalOptions },
  context: CliContext,
  deps: ListDeps = { listRoles },
): Promise<void> {
  const session = openSession({ globals: input.globals }, context);
  const { log } = session;
  let config: ConfigFile | undefined;
  if (input.flags.claim === undefined || input.flags.provider !== undefined) {
    config = await session.config();
    for (const warning of config.warnings) log.warn(warning);
  }
  const query = listQuery(input.flags, config, context.env);
  log.debug(
    `looking for roles with a condition on "${query.claim}"` +
      (query.clientId === undefined ? "" : ` that admits "${query.clientId}"`),
  );
  const region = context.env("AWS_REGION") || context.env("AWS_DEFAULT_REGION") || "us-east-1";
  const roles = await deps.listRoles({
    profile: input.flags.profile,
    region,
    // aws-oidc chooses the endpoint; the SDK would otherwise take endpoint_url from the profile's shared config.
    endpoint: context.env("AWS_ENDPOINT_URL_IAM") || context.env("AWS_ENDPOINT_URL") || defaultIamEndpoint(region),
    onPage: (page, count) => log.debug(`ListRoles page ${page}: ${count} roles`),
  });
  for (const role of roles) {
    if (!parseTrustPolicy(role.assumeRolePolicyDocument)) log.debug(`${role.arn}: unreadable trust policy, skipped`);
  }
  const matches = roles.flatMap((role) => matchRole(role, query) ?? []);
  if (input.flags.json) {
    context.stdout(`${JSON.stringify(matches.map(toJson))}\n`);
  } else if (matches.length === 0) {
    log.info(
      `No role of the ${roles.length} in the account lets ` +
        (query.clientId === undefined ? `"${query.claim}"` : `"${query.clientId}" in on "${query.claim}"`) +
        " assume it with a web identity",
    );
  } else {
    context.stdout(roleTable(matches));
  }
}

/** A placeholder that lets a provider without a role resolve: `list` needs only its issuer and client id. */
const NO_ROLE = "arn:aws:iam::000000000000:role/aws-oidc-list";

/**
 * The claim and client id to look for: `--claim` and `--client-id` as given;
 * a missing claim comes from `--provider`, or from the only configured
 * provider, whose client_id is then the default client id.
 */
export function listQuery(
  flags: ListFlags,
  config: ConfigFile | undefined,
  env: (name: string) => string | undefined,
): TrustQuery {
  const claim = flags.claim?.trim().replace(/^https?:\/\//i, "");
  if (claim === "") throw new UsageError("--claim is empty", { hint: "e.g. --claim accounts.google.com:aud" });
  if (claim !== undefined && flags.provider === undefined) return { claim, clientId: flags.clientId };
  const name = flags.provider ?? onlyProvider(config);
  const provider = requireProvider({ config: config!, name, flags: { role_arn: NO_ROLE }, env });
  return { claim: claim ?? audienceClaim(provider.providerUrl), clientId: flags.clientId ?? provider.clientId };
}

function onlyProvider(config: ConfigFile | undefined): string {
  const names = config ? providerNames(config) : [];
  if (names.length === 1) return names[0];
  if (names.length === 0) {
    throw new UsageError("No claim to look for: give --claim, or configure a provider", {
      hint: "e.g. aws-oidc list --claim accounts.google.com:aud --client-id <id>",
    });
  }
  throw new UsageError(
    `Several providers are configured (${names.map((n) => `"${n}"`).join(", ")}) and none was chosen`,
    { hint: "pass --provider <name>, or --claim <issuer host>:aud" },
  );
}

function toJson(match: RoleMatch): { role_name: string; arn: string; conditions: RoleMatch["conditions"] } {
  return { role_name: match.roleName, arn: match.arn, conditions: match.conditions };
}

/** The matches as an aligned table: role name, ARN, and the client ids (as written in the policy) that match. */
export function roleTable(matches: RoleMatch[]): string {
  const rows = [
    ["ROLE", "ARN", "CLIENT ID"],
    ...matches.map((match) => [
      match.roleName,
      match.arn,
      [...new Set(match.conditions.map((condition) => condition.value))].join(", "),
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd() + "\n")
    .join("");
}
