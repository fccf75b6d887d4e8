/**
 * `aws-oidc serve <profile|provider> [--listen ADDR:PORT] [--imds]`: a
 * long-running credential endpoint for containers and devcontainers on this
 * machine, until Ctrl-C or SIGTERM.
 */
import type { Command } from "commander";
import { addCacheFlags, addProviderFlags, type AuthOptions } from "../flags.ts";
import type { ServeFlags } from "../serve.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

const EXAMPLES = `
Examples:
  aws-oidc serve prod                               container credentials on 127.0.0.1, a free port
  aws-oidc serve prod --listen 169.254.170.2:9911   on a Docker network's gateway (see README)
  aws-oidc serve prod --imds                        as the EC2 instance metadata service (IMDSv2)

stdout: the variables to set, NAME=value lines (docker run --env-file reads them):
AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (a
0600 file holding the token every request must carry), or with --imds
AWS_EC2_METADATA_SERVICE_ENDPOINT; then AWS_REGION and AWS_DEFAULT_REGION.
The SDKs accept plain http only from loopback, 169.254.170.2 and 169.254.170.23.
--imds has no shared secret, so it listens on loopback only.`;

/** Registers the command. */
export function registerServe(program: Command, context: CliContext): void {
  const command = program
    .command("serve")
    .description("Serve fresh AWS credentials to containers (container credentials protocol or IMDSv2) until stopped")
    .argument("<name>", "an [[AuthProvider]] in the config file, or a profile in ~/.aws/config that runs aws-oidc")
    .option("--listen <addr:port>", "address and port to listen on (default 127.0.0.1 and a free port)")
    .option("--imds", "speak the EC2 instance metadata service (IMDSv2) instead, on loopback");
  addProviderFlags(command);
  addCacheFlags(command).addHelpText("after", EXAMPLES);
  command.action(async (name: string, _options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & AuthOptions & ServeFlags & Record<string, unknown>>();
    const { serve, serveInput, untilSignal } = await import("../serve.ts");
    await serve(serveInput(name, options), context, untilSignal());
  });
}
