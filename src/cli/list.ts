/** `aws-oidc list`: the IAM roles whose trust policy lets an OIDC audience (client id) in. */
import { defaultIamEndpoint } from "../config/partition.ts";
import { type Command, Option } from "commander";
import { type ConfigFile, configPath, loadConfigFile } from "../config/load.ts";
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
import type { CliContext, GlobalOptions } from "./context.ts";

const EXAMPLES = `
Examples:
  aws-oidc list                                       roles for the only configured provider's issuer and client
  aws-oidc list --provider okta --profile admin
  aws-oidc list --claim accounts.google.com:aud --client-id 1234.apps.googleusercontent.com
  aws-oidc list --claim example.okta.com/oauth2/default:aud --json | jq -r '.[].arn'
  aws-oidc exec admin -- aws-oidc list --provider google

Reads every role with IAM ListRoles (the credentials need iam:ListRoles) through
the AWS SDK's credential chain: --profile, else AWS_PROFILE, AWS_ACCESS_KEY_ID…,
~/.aws/credentials and ~/.aws/config, SSO, container and instance roles.
AWS_ENDPOINT_URL_IAM overrides the endpoint.

The claim is an IAM condition key: the issuer URL without https:// and ":aud".
Without --claim it comes from --provider, or the only configured provider, whose
client_id is then the default --client-id. With --claim and no --client-id,
every role with a condition on the claim is listed with its values.

A role is listed when an Allow statement for sts:AssumeRoleWithWebIdentity has a
StringEquals or StringLike condition (also ForAnyValue:/ForAllValues:) on the
claim that admits the client id. Deny statements and negated operators are not
evaluated, so a listed role may still refuse.`;

/** The flags of `list`. */
export interface ListFlags {
  claim?: string;
  clientId?: string;
  provider?: string;
  profile?: string;
  json?: boolean;
}

/** Registers the command. */
export function registerList(program: Command, context: CliContext): void {
  const command = program
    .command("list")
    .description("List the IAM roles whose trust policy lets an OIDC client id in (IAM ListRoles)")
    .option("--claim <key>", "IAM condition key, e.g. accounts.google.com:aud (default: from the provider)")
    .option("--client-id <id>", "the audience to look for (default: the provider's client_id)")
    .addOption(new Option("--client_id <id>").hideHelp())
    .option("--provider <name>", "derive claim and client id from this [[AuthProvider]]")
    .option("--profile <name>", "AWS profile whose credentials call IAM (default: the SDK's chain)")
    .option("--json", "print a JSON array instead of a table")
    .addHelpText("after", EXAMPLES);
  command.action(async (_options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & ListFlags & { client_id?: string }>();
    const flags = { ...options, clientId: options.clientId ?? options.client_id };
    await list({ flags, globals: options }, context);
  });
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
  const log = context.makeLog({ debug: input.globals.debug ?? false, quiet: input.globals.quiet ?? false });
  let config: ConfigFile | undefined;
  if (input.flags.claim === undefined || input.flags.provider !== undefined) {
    config = await loadConfigFile(configPath(input.globals.config, context.env));
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
