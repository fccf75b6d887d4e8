/** Reading an EKS token back, as an authenticator does. */
import assert from "node:assert/strict";
import { EKS_TOKEN_PREFIX } from "../../src/aws/eks_token.ts";

/** The presigned URL inside an EKS token (asserting the prefix and the unpadded base64url). */
export function tokenUrl(token: string): URL {
  assert.ok(token.startsWith(EKS_TOKEN_PREFIX), token);
  const encoded = token.slice(EKS_TOKEN_PREFIX.length);
  assert.match(encoded, /^[A-Za-z0-9_-]+$/, "unpadded base64url");
  const base64 = encoded.replace(/-/g, "+").replace(/_/g, "/");
  return new URL(atob(base64 + "=".repeat((4 - base64.length % 4) % 4)));
}
