import assert from "node:assert/strict";
import { openOneTimeLink } from "../../src/oidc/one_time_link.ts";
import { createLog } from "../../src/log.ts";
import type { AwsOidcError } from "../../src/errors.ts";

const SECRET = "https://signin.example/federation?Action=login&SigninToken=secret";

function quietLog(lines: string[] = []) {
  return createLog({ stderr: (text) => lines.push(text), terminal: undefined });
}

Deno.test("the one-time link redirects once, then answers 410 with a warning, then stops listening", async () => {
  const warnings: string[] = [];
  let link = "";
  const replies: { status: number; location: string | null; body: string }[] = [];
  await openOneTimeLink(SECRET, (url) => {
    link = url;
    queueMicrotask(async () => {
      for (const path of ["/", "/wrong", new URL(url).pathname, new URL(url).pathname]) {
        const response = await fetch(new URL(path, url), { redirect: "manual" });
        replies.push({
          status: response.status,
          location: response.headers.get("location"),
          body: await response.text(),
        });
      }
    });
  }, { log: quietLog(warnings), what: "the AWS console", graceMs: 300 });
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/[\w-]{24}$/);
  assert.deepEqual(replies.map((reply) => [reply.status, reply.location]), [
    [404, null],
    [404, null],
    [302, SECRET],
    [410, null],
  ]);
  assert.ok(replies.every((reply) => !reply.body.includes("SigninToken")));
  assert.match(warnings.join(), /requested 2 times: someone else/);
  await assert.rejects(fetch(link), TypeError, "closed after use");
});

Deno.test("an unused one-time link expires with advice, and the listener closes", async () => {
  let link = "";
  await assert.rejects(
    openOneTimeLink(SECRET, (url) => link = url, { log: quietLog(), what: "the AWS console", timeoutSeconds: 0.2 }),
    (error: AwsOidcError) =>
      /did not open the one-time link to the AWS console within 0.2 s/.test(error.message) &&
      /--print/.test(error.hint ?? ""),
  );
  await assert.rejects(fetch(link), TypeError);
});

Deno.test("a browser that cannot start leaves no listener behind", async () => {
  let link = "";
  await assert.rejects(
    openOneTimeLink(SECRET, (url) => {
      link = url;
      throw new Error("no browser");
    }, { log: quietLog(), what: "the AWS console" }),
    /no browser/,
  );
  await assert.rejects(fetch(link), TypeError);
});
