/** Several roles per provider: --role picks; a terminal gets a picker; without one, the error lists the choices. */
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli.ts";
import { converse } from "../helpers/pty.ts";
import { providerTable, withWorld } from "../helpers/world.ts";

const ADMIN = "arn:aws:iam::123456789012:role/admin";
const READ = "arn:aws:iam::123456789012:role/read";

Deno.test("roles: --role by alias, the terminal picker, and the non-interactive error", async () => {
  await withWorld({
    roles: [ADMIN, READ],
    config: (servers) =>
      providerTable(servers, {
        fields: [`roles = [{ arn = "${ADMIN}", alias = "prod-admin" }, { arn = "${READ}", alias = "read" }]`],
      }),
  }, async ({ sts, env }) => {
    const unattended = await runCli(["auth", "idp"], env);
    assert.equal(unattended.code, 2);
    assert.equal(unattended.stdout, "");
    assert.match(
      unattended.stderr,
      /several roles and none was chosen: prod-admin \(.*admin\), read \(.*read\).*--role/,
    );

    const picked = await runCli(["auth", "idp", "--role", "prod-admin"], env);
    assert.equal(picked.code, 0, picked.stderr);
    assert.equal(sts.lastAssume?.roleArn, ADMIN);

    // A pseudo-terminal (util-linux script): the picker asks there and reads the answer.
    const { code, screen: text } = await converse(["auth", "idp"], env, [[/Role \[1-2, or an alias\]: /, "2"]]);
    assert.equal(code, 0, text);
    assert.match(text, /has several roles:/);
    assert.match(text, /2\) read +arn:aws:iam::123456789012:role\/read/);
    assert.match(text, /"Version":1/);
    assert.equal(sts.lastAssume?.roleArn, READ);
  });
});
