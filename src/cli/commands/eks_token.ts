/**
 * `aws-oidc eks-token <profile|provider> --cluster-name NAME` (or `--provider <name>`):
 * a Kubernetes credential plugin for EKS, in place of `aws eks get-token`.
 */
import type { Command } from "commander";
import { addCacheFlags, addProviderFlags, type AuthOptions } from "../flags.ts";
import type { EksTokenFlags } from "../eks_token.ts";
import type { CliContext, GlobalOptions } from "../context.ts";

const EXAMPLES = `
Examples:
  aws-oidc eks-token engineer --cluster-name prod     a profile from ~/.aws/config
  aws-oidc eks-token --provider google --cluster-name prod --region eu-west-1

In ~/.kube/config, as the user of an EKS cluster:
  users:
    - name: prod
      user:
        exec:
          apiVersion: client.authentication.k8s.io/v1
          command: aws-oidc
          args: [eks-token, engineer, --cluster-name, prod]
          interactiveMode: IfAvailable
          provideClusterInfo: false

stdout: one ExecCredential (client.authentication.k8s.io/v1beta1, or the apiVersion kubectl
asks for in KUBERNETES_EXEC_INFO) with the token and its expirationTimestamp (14 minutes).`;

/** Registers the command. */
export function registerEksToken(program: Command, context: CliContext): void {
  const command = program
    .command("eks-token")
    .description("Print an EKS authentication token as a Kubernetes ExecCredential (kubectl's exec plugin)")
    .argument("[name]", "a provider, or a profile in ~/.aws/config whose credential_process is aws-oidc")
    .option("--provider <name>", "use an [[AuthProvider]] directly instead of a profile")
    .option("--cluster-name <name>", "the EKS cluster (or, for a local cluster on Outposts, its id)");
  addProviderFlags(command);
  addCacheFlags(command).addHelpText("after", EXAMPLES);
  command.action(async (profile: string | undefined, _options: unknown, self: Command) => {
    const options = self.optsWithGlobals<GlobalOptions & AuthOptions & EksTokenFlags & Record<string, unknown>>();
    const { eksToken, eksTokenInput } = await import("../eks_token.ts");
    await eksToken(eksTokenInput(profile, options), context);
  });
}
