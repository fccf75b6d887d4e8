/**
 * The shared credentials file: only the named profile's section changes, and
 * the AWS SDK's own INI reader (`fromIni`) reads back what was written.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fromIni } from "@aws-sdk/credential-providers";
import {
  checkProfileName,
  credentialsFilePath,
  replaceProfile,
  writeProfile,
} from "../../src/output/credentials_file.ts";
import { AwsOidcError, UsageError } from "../../src/errors.ts";
import { removing } from "../helpers/dispose.ts";

const VALUES = {
  aws_access_key_id: "ASIANEWNEWNEWNEWNEW1",
  aws_secret_access_key: "new/secret+key",
  aws_session_token: "new+session/token==",
  x_security_token_expires: "2030-01-01T12:00:00Z",
};

const NEW_BODY = [
  "aws_access_key_id = ASIANEWNEWNEWNEWNEW1",
  "aws_secret_access_key = new/secret+key",
  "aws_session_token = new+session/token==",
  "x_security_token_expires = 2030-01-01T12:00:00Z",
].map((line) => line + "\n").join("");

/** A hand-kept file: comments everywhere, other profiles before and after the one we write. */
const BEFORE = `# Managed by hand; keep this comment.
; and this one

[default]
aws_access_key_id = AKIADEFAULTDEFAULT00
aws_secret_access_key = default-secret
   # indented comment
`;
const SECTION = `[work]
# comment inside work, kept
aws_access_key_id = ASIAOLDOLDOLDOLDOLD1
aws_secret_access_key=old-secret
region = eu-west-1
AWS_Session_Token : old-token
  continued-old-token
aws_security_token = old-token
x_security_token_expires = 2020-01-01T00:00:00Z

`;
const AFTER = `# the next profile's own comment
[other]
aws_access_key_id = AKIAOTHEROTHEROTHER0
aws_secret_access_key = other-secret
[work-two]
aws_access_key_id = AKIAWORKTWOWORKTWO00
aws_secret_access_key = work-two-secret`;

Deno.test("replaceProfile: only [work] changes; every other byte is kept", () => {
  const updated = replaceProfile(BEFORE + SECTION + AFTER, "work", VALUES);
  assert.ok(updated.startsWith(BEFORE), "everything before the section unchanged");
  assert.ok(updated.endsWith(AFTER), "everything after the section unchanged, including no final newline");
  assert.equal(
    updated.slice(BEFORE.length, updated.length - AFTER.length),
    `[work]\n${NEW_BODY}# comment inside work, kept\nregion = eu-west-1\n\n`,
    "the section: header, new keys, then its comments and other keys; old credential keys gone",
  );
});

Deno.test("replaceProfile: writing twice gives the same file as writing once", () => {
  const once = replaceProfile(BEFORE + SECTION + AFTER, "work", VALUES);
  assert.equal(replaceProfile(once, "work", VALUES), once);
});

Deno.test("replaceProfile: a missing profile is appended after a blank line; the rest unchanged", () => {
  const text = BEFORE + SECTION + AFTER;
  assert.equal(replaceProfile(text, "new", VALUES), `${text}\n\n[new]\n${NEW_BODY}`);
  assert.equal(replaceProfile("", "new", VALUES), `[new]\n${NEW_BODY}`);
  assert.equal(replaceProfile("[a]\nx = 1\n", "new", VALUES), `[a]\nx = 1\n\n[new]\n${NEW_BODY}`);
  assert.equal(replaceProfile("[a]\nx = 1\n\n", "new", VALUES), `[a]\nx = 1\n\n[new]\n${NEW_BODY}`);
});

Deno.test("replaceProfile: CRLF files stay CRLF; a BOM and a header without a newline are kept", () => {
  const crlf = "# c\r\n[default]\r\na = 1\r\n[work]\r\naws_access_key_id = old\r\n[z]\r\nb = 2\r\n";
  assert.equal(
    replaceProfile(crlf, "work", VALUES),
    `# c\r\n[default]\r\na = 1\r\n[work]\r\n${NEW_BODY.replaceAll("\n", "\r\n")}[z]\r\nb = 2\r\n`,
  );
  assert.equal(replaceProfile("\uFEFF[work]", "work", VALUES), `\uFEFF[work]\n${NEW_BODY}`);
});

Deno.test("replaceProfile: a profile given twice loses its old keys in both; the new ones go in the first", () => {
  const text = "[work]\naws_access_key_id = one\n[x]\ny = 1\n[ work ]\naws_session_token = two\nregion = r\n";
  assert.equal(replaceProfile(text, "work", VALUES), `[work]\n${NEW_BODY}[x]\ny = 1\n[ work ]\nregion = r\n`);
});

Deno.test("replaceProfile: a similarly named profile or a key of that name elsewhere is untouched", () => {
  const text = "[work-two]\naws_access_key_id = keep\n[profile work]\naws_access_key_id = keep too\n";
  assert.equal(replaceProfile(text, "work", VALUES), `${text}\n[work]\n${NEW_BODY}`);
});

Deno.test("writeProfile: round trip through the AWS SDK's fromIni; other profiles still readable", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-credentials-" });
  const path = join(dir, "credentials");
  await using _dir = removing(dir);
  await Deno.writeTextFile(path, BEFORE + SECTION + AFTER, { mode: 0o644 });
  await Deno.chmod(path, 0o644);
  await writeProfile(path, "work", VALUES);
  const text = await Deno.readTextFile(path);
  assert.ok(text.startsWith(BEFORE) && text.endsWith(AFTER));
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600, "tightened to 0600");
  assert.deepEqual((await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name), ["credentials"]);

  const read = (profile: string) =>
    fromIni({ profile, filepath: path, configFilepath: join(dir, "none"), ignoreCache: true })();
  const work = await read("work");
  assert.equal(work.accessKeyId, VALUES.aws_access_key_id);
  assert.equal(work.secretAccessKey, VALUES.aws_secret_access_key);
  assert.equal(work.sessionToken, VALUES.aws_session_token);
  assert.equal((await read("other")).secretAccessKey, "other-secret");
  assert.equal((await read("default")).accessKeyId, "AKIADEFAULTDEFAULT00");
  assert.equal((await read("work-two")).secretAccessKey, "work-two-secret");
});

Deno.test("writeProfile: creates the directory (0700) and the file (0600) when missing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-credentials-" });
  const path = join(dir, ".aws", "credentials");
  await using _dir = removing(dir);
  await writeProfile(path, "default", VALUES);
  assert.equal(await Deno.readTextFile(path), `[default]\n${NEW_BODY}`);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(join(dir, ".aws"))).mode! & 0o777, 0o700);
});

Deno.test("writeProfile: a symlink is refused, and neither it nor its target changes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-credentials-" });
  const target = join(dir, "real");
  const link = join(dir, "credentials");
  await using _dir = removing(dir);
  await Deno.writeTextFile(target, "[a]\nx = 1\n");
  await Deno.symlink(target, link);
  await assert.rejects(
    () => writeProfile(link, "work", VALUES),
    (error: Error) => error instanceof AwsOidcError && /is a symbolic link/.test(error.message),
  );
  assert.ok((await Deno.lstat(link)).isSymlink);
  assert.equal(await Deno.readTextFile(target), "[a]\nx = 1\n");
});

Deno.test("writeProfile: a file that is not UTF-8 is refused, not rewritten", async () => {
  const dir = await Deno.makeTempDir({ prefix: "aws-oidc-credentials-" });
  const path = join(dir, "credentials");
  await using _dir = removing(dir);
  await Deno.writeFile(path, new Uint8Array([0x5b, 0x61, 0x5d, 0x0a, 0xff, 0xfe, 0x0a]));
  await assert.rejects(() => writeProfile(path, "work", VALUES), /is not UTF-8 text/);
  assert.deepEqual(await Deno.readFile(path), new Uint8Array([0x5b, 0x61, 0x5d, 0x0a, 0xff, 0xfe, 0x0a]));
});

Deno.test("checkProfileName: brackets, control characters, surrounding spaces and empty names are refused", () => {
  for (const name of ["default", "work", "dev-eu.1", "me@corp+x", "with space"]) {
    assert.equal(checkProfileName(name), name);
  }
  for (const name of ["", "a]b", "[a", "a\nb", " a", "a "]) {
    assert.throws(() => checkProfileName(name), UsageError, JSON.stringify(name));
  }
});

Deno.test("credentialsFilePath: AWS_SHARED_CREDENTIALS_FILE (with ~), else ~/.aws/credentials", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.equal(credentialsFilePath(env({ HOME: "/home/me" }), "linux"), "/home/me/.aws/credentials");
  assert.equal(credentialsFilePath(env({ HOME: "/home/me/" }), "linux"), "/home/me/.aws/credentials");
  assert.equal(
    credentialsFilePath(env({ HOME: "/home/me", AWS_SHARED_CREDENTIALS_FILE: "/etc/creds" }), "linux"),
    "/etc/creds",
  );
  assert.equal(
    credentialsFilePath(env({ HOME: "/home/me", AWS_SHARED_CREDENTIALS_FILE: "~/x/creds" }), "linux"),
    "/home/me/x/creds",
  );
  assert.equal(
    credentialsFilePath(env({ USERPROFILE: "C:\\Users\\me" }), "windows"),
    "C:\\Users\\me\\.aws\\credentials",
  );
  assert.throws(() => credentialsFilePath(env({}), "linux"), /Cannot find the home directory/);
});
