/**
 * The `ExecCredential` a Kubernetes client reads from its credential plugin's
 * stdout, in the API version the client asks for in `KUBERNETES_EXEC_INFO`.
 * Loaded on the fast cached path: no imports.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins
 */

/** The versions aws-oidc speaks, the default (what `aws eks get-token` answers without KUBERNETES_EXEC_INFO) first. */
export const EXEC_API_VERSIONS = [
  "client.authentication.k8s.io/v1beta1",
  "client.authentication.k8s.io/v1",
] as const;

/** One of {@link EXEC_API_VERSIONS}. */
export type ExecApiVersion = typeof EXEC_API_VERSIONS[number];

/**
 * The API version to answer in: the one in `KUBERNETES_EXEC_INFO` (the client
 * sets it from the kubeconfig's `exec.apiVersion`), else v1beta1. An unreadable
 * or unknown value also gives v1beta1, with a warning saying why.
 */
export function execApiVersion(execInfo: string | undefined): { apiVersion: ExecApiVersion; warning?: string } {
  const fallback = EXEC_API_VERSIONS[0];
  if (!execInfo) return { apiVersion: fallback };
  let requested: unknown;
  try {
    requested = JSON.parse(execInfo)?.apiVersion;
  } catch {
    return { apiVersion: fallback, warning: `KUBERNETES_EXEC_INFO is not JSON; answering in ${fallback}` };
  }
  const known = EXEC_API_VERSIONS.find((version) => version === requested);
  if (known) return { apiVersion: known };
  return {
    apiVersion: fallback,
    warning: `KUBERNETES_EXEC_INFO asks for API version ${JSON.stringify(requested)}, which aws-oidc does not ` +
      `speak (${EXEC_API_VERSIONS.join(", ")}); answering in ${fallback}`,
  };
}

/** The ExecCredential for a bearer token, as one line with its newline. */
export function execCredentialJson(apiVersion: ExecApiVersion, token: string, expiresAt: Date): string {
  return JSON.stringify({
    kind: "ExecCredential",
    apiVersion,
    spec: {},
    status: { expirationTimestamp: expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z"), token },
  }) + "\n";
}
