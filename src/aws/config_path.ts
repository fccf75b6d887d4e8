/**
 * Where the AWS config file is: on its own, with no imports, because the
 * `eks-token` fast path needs it on every call (`src/fast_eks.ts`).
 *
 * @see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
 */

/** `AWS_CONFIG_FILE`, else `~/.aws/config`. */
export function awsConfigPath(env: (name: string) => string | undefined): string {
  const explicit = env("AWS_CONFIG_FILE");
  if (explicit) return explicit;
  const home = env("HOME") ?? env("USERPROFILE") ?? "";
  return `${home}/.aws/config`;
}
