/**
 * Credentials as an env file for `docker run --env-file`: `NAME=value` lines.
 *
 * Docker takes everything after the first `=` literally, to the end of the
 * line: no quotes are removed, no `#` starts a comment, nothing is
 * interpolated, whitespace is kept. So values are written as they are,
 * unquoted, and the few a reader could take differently are refused: a line
 * break or NUL (it ends the line), and a value that starts and ends with the
 * same quote character (proposals for docker/cli#3630 would strip such a pair).
 * STS credentials, regions and timestamps never contain any of these.
 *
 * Other dotenv readers are not Docker: the npm `dotenv` package, for one, ends
 * an unquoted value at `#` and trims surrounding whitespace. Credentials hold
 * neither, so its reading agrees on every value we actually write.
 *
 * @see https://docs.docker.com/reference/cli/docker/container/run/#env
 * @see https://github.com/docker/cli/blob/master/pkg/kvfile/kvfile.go
 */
import { AwsOidcError } from "../errors.ts";
import { describe } from "./shell.ts";

/** The env file's text: one `NAME=value` line per variable. */
export function dotenvLines(variables: Record<string, string>): string {
  return Object.entries(variables).map(([name, value]) => `${name}=${checkValue(name, value)}\n`).join("");
}

function checkValue(name: string, value: string): string {
  const unsafe = /[\r\n\0]/.exec(value);
  if (unsafe) refuse(name, `contains ${describe(unsafe[0])}, which ends the line`);
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) {
    refuse(name, "is enclosed in quotes, which a reader may remove");
  }
  return value;
}

function refuse(name: string, why: string): never {
  throw new AwsOidcError(`Cannot write ${name} to an env file: the value ${why}`, { hint: "use --format json" });
}
