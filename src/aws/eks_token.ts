/**
 * The bearer token EKS accepts: `k8s-aws-v1.` and the unpadded base64url of an
 * STS `GetCallerIdentity` URL presigned (SigV4, query string) with the
 * cluster's name in the signed `x-k8s-aws-id` header. The cluster's
 * authenticator calls that URL to learn who signed it; the header binds the
 * token to one cluster.
 *
 * Signed by the AWS SDK's own signer, loaded only when a token is made.
 *
 * @see https://github.com/kubernetes-sigs/aws-iam-authenticator#api-authorization-from-outside-a-cluster
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#query-string-auth
 */
import { defaultStsEndpoint } from "../config/partition.ts";

/** What every EKS token starts with. */
export const EKS_TOKEN_PREFIX = "k8s-aws-v1.";

/** The signed header naming the cluster. */
export const CLUSTER_ID_HEADER = "x-k8s-aws-id";

/**
 * `X-Amz-Expires` of the presigned URL. STS ignores it for GetCallerIdentity (a presigned
 * URL is good for 15 minutes after `X-Amz-Date`); authenticators 0.3.0 and older refuse
 * anything above 60, so `aws eks get-token` and aws-iam-authenticator both send 60.
 */
export const PRESIGN_EXPIRES_SECONDS = 60;

/** How long a token is offered for: a minute short of the 15 minutes EKS accepts, as `aws eks get-token` does. */
export const EKS_TOKEN_LIFETIME_MS = 14 * 60 * 1000;

/** The credentials that sign. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601: the token is never offered past it. */
  expiration: string;
}

/** Inputs of {@link presignEksToken}. */
export interface EksTokenRequest {
  /** The cluster name (or, for local clusters on Outposts, its id): the `x-k8s-aws-id` value. */
  clusterName: string;
  region: string;
  credentials: SigningCredentials;
  /** The STS endpoint the token's URL points at; undefined: the region's (see {@link defaultStsEndpoint}). */
  endpoint?: string;
  /** The signing time. */
  now: Date;
}

/** A token and when it stops being offered. */
export interface EksToken {
  token: string;
  /** The earlier of signing + 14 minutes and the credentials' expiry. */
  expiresAt: Date;
}

/** Presigns `GetCallerIdentity` for `request.clusterName` and wraps the URL as an EKS token. */
export async function presignEksToken(request: EksTokenRequest): Promise<EksToken> {
  const [{ SignatureV4 }, { Sha256 }] = await Promise.all([
    import("@smithy/signature-v4"),
    import("@smithy/core/checksum"),
  ]);
  const url = new URL(request.endpoint ?? defaultStsEndpoint(request.region));
  const { accessKeyId, secretAccessKey, sessionToken } = request.credentials;
  const signer = new SignatureV4({
    service: "sts",
    region: request.region,
    credentials: { accessKeyId, secretAccessKey, sessionToken },
    sha256: Sha256,
  });
  const signed = await signer.presign({
    method: "GET",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: "/",
    query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
    headers: { host: url.host, [CLUSTER_ID_HEADER]: request.clusterName },
  }, { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: request.now });
  const query = Object.entries(signed.query ?? {}).map(([name, value]) =>
    `${uriEncode(name)}=${uriEncode(`${value}`)}`
  );
  const presigned = `${url.protocol}//${url.host}/?${query.join("&")}`;
  const expiresAt = Math.min(
    request.now.getTime() + EKS_TOKEN_LIFETIME_MS,
    Date.parse(request.credentials.expiration),
  );
  return { token: EKS_TOKEN_PREFIX + base64Url(presigned), expiresAt: new Date(expiresAt) };
}

/** RFC 3986 percent-encoding (everything but unreserved characters), as SigV4 canonicalises. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Base64url without padding (RFC 4648 §5), as aws-iam-authenticator's `RawURLEncoding`. */
function base64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
