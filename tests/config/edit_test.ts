/** Adding a provider to the config as text: everything else stays byte for byte. */
import assert from "node:assert/strict";
import { addProvider, renderProvider } from "../../src/config/edit.ts";
import { parseConfig } from "../../src/config/load.ts";
import { ConfigError } from "../../src/errors.ts";

const EXISTING = `# my providers
region = "eu-west-1" # where I work

[[AuthProvider]]
name = "google"   # personal
provider_url = "https://accounts.google.com"
client_id = "a"
role_arn = "arn:aws:iam::123456789012:role/a"

# the work one
[[AuthProvider]]
name = "okta"
type = "okta"
domain = "old.okta.com"
client_id = "b"
role_arn = "arn:aws:iam::123456789012:role/b"
[AuthProvider.auth_params]
login_hint = "me@example.com"

# keep this comment, it introduces the next one
[[AuthProvider]]
name = "last"
provider_url = "https://idp.example.com"
client_id = "c"
role_arn = "arn:aws:iam::123456789012:role/c"
`;

const BLOCK = renderProvider({
  name: "okta",
  type: "okta",
  domain: "new.okta.com",
  client_id: 'id "quoted" \\ back',
  client_secret: undefined,
  role_arn: "arn:aws:iam::123456789012:role/new",
  roles: [{ arn: "arn:aws:iam::123456789012:role/new" }, { arn: "arn:aws:iam::123456789012:role/two" }],
  agent: ["chromium", "--profile-directory=Profile 1", "{}"],
});

Deno.test("renderProvider: TOML that reads back as the values given, undefined left out", () => {
  assert.equal(
    BLOCK,
    `[[AuthProvider]]
name = "okta"
type = "okta"
domain = "new.okta.com"
client_id = "id \\"quoted\\" \\\\ back"
role_arn = "arn:aws:iam::123456789012:role/new"
roles = [{ arn = "arn:aws:iam::123456789012:role/new" }, { arn = "arn:aws:iam::123456789012:role/two" }]
agent = ["chromium", "--profile-directory=Profile 1", "{}"]
`,
  );
  const [table] = parseConfig(BLOCK).providers;
  assert.equal(table.client_id, 'id "quoted" \\ back');
  assert.deepEqual(table.agent, ["chromium", "--profile-directory=Profile 1", "{}"]);
  const odd = renderProvider({ name: "x\u007f\n\t\u0001" });
  assert.equal(parseConfig(odd).providers[0].name, "x\u007f\n\t\u0001");
});

Deno.test("addProvider: a new name goes at the end, the existing text untouched", () => {
  const block = BLOCK.replace('name = "okta"', 'name = "work"');
  const result = addProvider(EXISTING, block, { name: "work", path: "/c" });
  assert.equal(result, `${EXISTING}\n${block}`);
  assert.equal(addProvider("", block, { name: "work", path: "/c" }), block);
  assert.equal(addProvider('region = "x"', block, { name: "work", path: "/c" }), `region = "x"\n\n${block}`);
});

Deno.test("addProvider: an existing name is refused without replace", () => {
  assert.throws(
    () => addProvider(EXISTING, BLOCK, { name: "okta", path: "/c" }),
    (error: unknown) =>
      error instanceof ConfigError && /Provider "okta" already exists in "\/c"/.test(error.message) &&
      /--force/.test(error.hint!),
  );
});

Deno.test("addProvider: replace swaps only that provider's block, its sub-tables included, comments around it kept", () => {
  const result = addProvider(EXISTING, BLOCK, { name: "okta", path: "/c", replace: true });
  const [before, after] = EXISTING.split(/\[\[AuthProvider\]\]\nname = "okta"[\s\S]*?login_hint = "me@example.com"\n/);
  assert.equal(result, before + BLOCK + after);
  const parsed = parseConfig(result);
  assert.deepEqual(parsed.providers.map((p) => p.name), ["google", "okta", "last"]);
  assert.equal(parsed.providers[1].domain, "new.okta.com");
  assert.equal(parsed.providers[1].auth_params, undefined, "the old sub-table went with its provider");
});

Deno.test("addProvider: a result that would not define the provider exactly once is refused", () => {
  assert.throws(() => addProvider(EXISTING, BLOCK, { name: "other", path: "/c" }), /would define it 0 times/);
  const twice = `${EXISTING}[[AuthProvider]]\nname = "okta"\n`;
  assert.throws(
    () => addProvider(twice, BLOCK, { name: "okta", path: "/c", replace: true }),
    /would define it 2 times/,
  );
  assert.throws(() => addProvider("[[AuthProvider]\n", BLOCK, { name: "x", path: "/c" }), /Invalid TOML/);
});
