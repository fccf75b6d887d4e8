import assert from "node:assert/strict";
import { cachedEksToken } from "../src/fast_eks.ts";
import { runCommand } from "./helpers/command.ts";

Deno.test("the eks-token fast path loads no npm package", async () => {
  const script = `import { cachedEksToken } from ${JSON.stringify(new URL("../src/fast_eks.ts", import.meta.url).href)};
if (typeof cachedEksToken !== "function") Deno.exit(3);`;
  const result = await runCommand(Deno.execPath(), ["run", "--no-npm", "--quiet", "--allow-read", "--allow-env", "-"], {
    stdin: script,
  });
  assert.equal(result.code, 0, result.stderr);
});

Deno.test("flags that need the full CLI, a missing cluster or an unknown API version bypass the eks-token fast path", () => {
  for (const flag of ["--no-cache", "--force-login", "--debug", "--help"]) {
    assert.equal(cachedEksToken(["p", "--cluster-name", "c", flag], () => undefined), undefined, flag);
  }
  assert.equal(cachedEksToken(["p"], () => undefined), undefined);
  const alpha = '{"apiVersion":"client.authentication.k8s.io/v1alpha1"}';
  assert.equal(
    cachedEksToken(["p", "--cluster-name", "c"], (name) => name === "KUBERNETES_EXEC_INFO" ? alpha : undefined),
    undefined,
  );
});
