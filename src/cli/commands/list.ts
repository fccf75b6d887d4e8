/** `aws-oidc list`: the IAM roles whose trust policy lets an OIDC audience (client id) in. */
import type { Command } from "commander";
import type { ListFlags } from "../list.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

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

/** Registers the command. */
export function registerList(program: Command, context: CliContext): void {
  const command = program
    .command("list")
    .description("List the IAM roles whose trust policy lets an OIDC client id in (IAM ListRoles)")
    .option("--claim <key>", "IAM condition key, e.g. accounts.google.com:aud (default: from the provider)")
    .option("--client-id <id>", "the audience to look for (default: the provider's client_id)")
    .addOption(program.createOption("--client_id <id>").hideHelp())
    .option("--provider <name>", "derive claim and client id from this [[AuthProvider]]")
    .option("--profile <name>", "AWS profile whose credentials call IAM (default: the SDK's chain)")
    .option("--json", "print a JSON array instead of a table")
    .addHelpText("after", EXAMPLES);
  command.action(async (_options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & ListFlags & { client_id?: string }>();
    const flags = { ...options, clientId: options.clientId ?? options.client_id };
    const { list } = await import("../list.ts");
    await list({ flags, globals: options }, context);
  });
}
