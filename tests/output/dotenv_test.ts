/**
 * The env file, read back by Docker's rules and by the npm `dotenv` parser.
 *
 * Docker's reader (docker/cli pkg/kvfile, the format `docker run --env-file`
 * documents): leading whitespace of a line dropped, blank lines and lines
 * starting with `#` skipped, the name up to the first `=`, the value everything
 * after it, literally. No Docker daemon runs here, so those rules are
 * transcribed below; the npm parser is the real thing.
 */
import assert from "node:assert/strict";
import dotenv from "dotenv";
import { dotenvLines } from "../../src/output/dotenv.ts";
import { AwsOidcError } from "../../src/errors.ts";
import { numbered, SPECIAL_VALUES } from "./special_values.ts";

/** `docker run --env-file`'s reading of a file, as its reference documents it. */
function dockerEnvFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^\s+/, "");
    if (line === "" || line.startsWith("#")) continue;
    const equals = line.indexOf("=");
    assert.ok(equals > 0, `a name and "=" on line ${JSON.stringify(line)}`);
    const name = line.slice(0, equals);
    assert.doesNotMatch(name, /\s/, "no whitespace in a name");
    variables[name] = line.slice(equals + 1);
  }
  return variables;
}

/** The values an env file can carry: no line breaks, not wrapped in a pair of quotes. */
const WRITABLE = SPECIAL_VALUES.filter((value) => !/[\r\n]/.test(value) && !/^(["']).*\1$/s.test(value));

Deno.test("dotenv: Docker's rules read every writable special value back exactly", () => {
  const variables = numbered(WRITABLE);
  assert.deepEqual(dockerEnvFile(dotenvLines(variables)), variables);
});

Deno.test("dotenv: unquoted NAME=value lines, in order, nothing else", () => {
  assert.equal(
    dotenvLines({ AWS_ACCESS_KEY_ID: "ASIAX", AWS_SESSION_TOKEN: "a/b+c==", AWS_REGION: "eu-west-1" }),
    "AWS_ACCESS_KEY_ID=ASIAX\nAWS_SESSION_TOKEN=a/b+c==\nAWS_REGION=eu-west-1\n",
  );
  assert.equal(dotenvLines({ A: "" }), "A=\n");
});

Deno.test("dotenv: the npm dotenv parser agrees on credential-shaped values and on most special characters", () => {
  // npm dotenv ends an unquoted value at "#", trims surrounding whitespace and removes a pair of
  // surrounding quotes; Docker does none of that. Every other value it reads exactly as Docker does.
  const agreed = WRITABLE.filter((value) => !value.includes("#") && value.trim() === value && !/^["'`]/.test(value));
  assert.ok(agreed.length >= 20, "most special values are covered");
  const variables = numbered(agreed);
  assert.deepEqual(dotenv.parse(dotenvLines(variables)), variables);
  const credentials = {
    AWS_ACCESS_KEY_ID: "ASIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    AWS_SESSION_TOKEN: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+ab/cd==",
    AWS_CREDENTIAL_EXPIRATION: "2030-01-01T12:00:00Z",
    AWS_REGION: "us-east-1",
  };
  assert.deepEqual(dotenv.parse(dotenvLines(credentials)), credentials);
});

Deno.test("dotenv: where npm dotenv differs, the file follows Docker (literal values)", () => {
  const text = dotenvLines({ A: "a #b", B: " spaced " });
  assert.deepEqual(dockerEnvFile(text), { A: "a #b", B: " spaced " });
  assert.deepEqual(dotenv.parse(text), { A: "a", B: "spaced" });
});

Deno.test("dotenv: line breaks, NUL and a value wrapped in matching quotes are refused", () => {
  for (const value of ["a\nb", "a\rb", "a\0b", "'quoted'", '"quoted"']) {
    assert.throws(
      () => dotenvLines({ AWS_SESSION_TOKEN: value }),
      (error: Error) =>
        error instanceof AwsOidcError && /^Cannot write AWS_SESSION_TOKEN to an env file/.test(error.message) &&
        error.hint === "use --format json",
      JSON.stringify(value),
    );
  }
  assert.equal(dotenvLines({ A: "'half" }), "A='half\n", "an unmatched quote is literal everywhere");
});
