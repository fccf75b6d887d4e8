/** The ExecCredential kubectl reads, in the API version it asks for. */
import assert from "node:assert/strict";
import { execApiVersion, execCredentialJson } from "../../src/output/exec_credential.ts";

Deno.test("execApiVersion: follows KUBERNETES_EXEC_INFO, else v1beta1; an unknown or broken value warns", () => {
  assert.deepEqual(execApiVersion(undefined), { apiVersion: "client.authentication.k8s.io/v1beta1" });
  assert.deepEqual(execApiVersion(""), { apiVersion: "client.authentication.k8s.io/v1beta1" });
  const v1 = JSON.stringify({
    kind: "ExecCredential",
    apiVersion: "client.authentication.k8s.io/v1",
    spec: { interactive: false },
  });
  assert.deepEqual(execApiVersion(v1), { apiVersion: "client.authentication.k8s.io/v1" });
  const beta = '{"apiVersion":"client.authentication.k8s.io/v1beta1","spec":{}}';
  assert.deepEqual(execApiVersion(beta), { apiVersion: "client.authentication.k8s.io/v1beta1" });

  const alpha = execApiVersion('{"apiVersion":"client.authentication.k8s.io/v1alpha1"}');
  assert.equal(alpha.apiVersion, "client.authentication.k8s.io/v1beta1");
  assert.match(
    alpha.warning!,
    /asks for API version "client.authentication.k8s.io\/v1alpha1", which aws-oidc does not/,
  );
  const broken = execApiVersion("{not json");
  assert.equal(broken.apiVersion, "client.authentication.k8s.io/v1beta1");
  assert.match(broken.warning!, /KUBERNETES_EXEC_INFO is not JSON/);
});

Deno.test("execCredentialJson: one line, the token and an RFC 3339 expiry in whole seconds", () => {
  const line = execCredentialJson(
    "client.authentication.k8s.io/v1",
    "k8s-aws-v1.abc",
    new Date("2030-01-01T10:14:00.999Z"),
  );
  assert.ok(line.endsWith("}\n") && !line.slice(0, -1).includes("\n"));
  assert.deepEqual(JSON.parse(line), {
    kind: "ExecCredential",
    apiVersion: "client.authentication.k8s.io/v1",
    spec: {},
    status: { expirationTimestamp: "2030-01-01T10:14:00Z", token: "k8s-aws-v1.abc" },
  });
});
