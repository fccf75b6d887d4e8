/** eks-token's cross-flag validation. */
import assert from "node:assert/strict";
import { UsageError } from "../../src/errors.ts";
import { eksTokenInput } from "../../src/cli/eks_token.ts";

Deno.test("eksTokenInput: a profile or --provider (not both) and a cluster name", () => {
  const input = eksTokenInput("engineer", { clusterName: "prod", region: "eu-west-1" });
  assert.equal(input.profile, "engineer");
  assert.equal(input.clusterName, "prod");
  assert.equal(input.flags.region, "eu-west-1");
  assert.equal(eksTokenInput(undefined, { provider: "google", clusterName: "prod" }).provider, "google");

  const refused = (profile: string | undefined, options: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => eksTokenInput(profile, options), (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, message);
      return true;
    });
  refused("engineer", {}, /eks-token needs --cluster-name/);
  refused("engineer", { clusterName: "  " }, /eks-token needs --cluster-name/);
  refused(undefined, { clusterName: "prod" }, /needs a profile or --provider/);
  refused("engineer", { provider: "google", clusterName: "prod" }, /both profile "engineer" and --provider "google"/);
});
