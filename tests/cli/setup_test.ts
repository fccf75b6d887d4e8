/** setup's answers without a terminal: each from its flag, and one error naming every missing flag. */
import assert from "node:assert/strict";
import { gatherAnswers, providerTable, type SetupFlags } from "../../src/cli/setup.ts";
import type { InstalledBrowser } from "../../src/oidc/mod.ts";
import { UsageError } from "../../src/errors.ts";

const ROLE = "arn:aws:iam::123456789012:role/dev";
const CHROME: InstalledBrowser = {
  id: "chrome",
  name: "Google Chrome",
  command: ["google-chrome"],
  profiles: [{ directory: "Default", name: "Me" }, { directory: "Profile 1", name: "Work" }],
};

function gather(flags: SetupFlags) {
  return gatherAnswers(flags, { takenNames: new Set(["okta"]), browsers: () => Promise.resolve([CHROME]) });
}

async function usageError(flags: SetupFlags, pattern: RegExp): Promise<UsageError> {
  const error = await gather(flags).then(() => undefined, (e) => e);
  assert.ok(error instanceof UsageError, `expected a UsageError, got ${error}`);
  assert.match(error.message, pattern);
  assert.ok(error.hint);
  return error;
}

Deno.test("setup answers: without a terminal, the missing flags are named together, the type's own included", async () => {
  await usageError({}, /missing: --type, --client-id, --role-arn, --yes$/);
  await usageError({ type: "google", clientId: "c", roleArn: [ROLE], yes: true }, /missing: --client-secret$/);
  await usageError({ type: "keycloak", clientId: "c", roleArn: [ROLE], yes: true }, /missing: --domain, --realm$/);
  await usageError({ type: "generic", clientId: "c", roleArn: [ROLE], yes: true }, /missing: --provider-url$/);
});

Deno.test("setup answers: flags make the provider table, the name defaulting to the type even when taken", async () => {
  const answers = await gather({
    type: "okta",
    domain: "example.okta.com",
    authorizationServer: "default",
    clientId: "c",
    roleArn: [ROLE, "arn:aws:iam::123456789012:role/two"],
    browser: "chrome",
    browserProfile: "Work",
    yes: true,
  });
  assert.equal(answers.name, "okta", "unattended runs find the same name again (--force replaces it)");
  assert.equal(answers.profile, "okta");
  assert.deepEqual(providerTable(answers), {
    name: "okta",
    type: "okta",
    domain: "example.okta.com",
    authorization_server: "default",
    client_id: "c",
    client_secret: undefined,
    role_arn: ROLE,
    roles: [{ arn: ROLE }, { arn: "arn:aws:iam::123456789012:role/two" }],
    region: undefined,
    agent: ["google-chrome", "--profile-directory=Profile 1", "{}"],
  });
  const noProfile = await gather({ type: "gitlab", clientId: "c", roleArn: [ROLE], profile: false, yes: true });
  assert.equal(noProfile.profile, false);
  assert.equal(noProfile.agent, undefined, "no browser flag and no terminal: the system's browser");
});

Deno.test("setup answers: browser flags that do not match what is installed say what is", async () => {
  const base = { type: "gitlab", clientId: "c", roleArn: [ROLE], yes: true };
  const missing = await usageError({ ...base, browser: "edge" }, /Browser "edge" was not found/);
  assert.match(missing.hint!, /detected: chrome/);
  const profile = await usageError({ ...base, browser: "chrome", browserProfile: "Home" }, /has no profile "Home"/);
  assert.match(profile.hint!, /"Me" \(Default\), "Work" \(Profile 1\)/);
  await usageError({ ...base, browserProfile: "Work" }, /--browser-profile needs --browser/);
  const agent = await gather({ ...base, agent: "firefox -P 'my work' {}" });
  assert.deepEqual(agent.agent, ["firefox", "-P", "my work", "{}"]);
});
