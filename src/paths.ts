/**
 * Path joining without `node:path`, whose import pulls Deno's Node layer into
 * the fast cached path.
 */

const SEPARATOR = Deno.build.os === "windows" ? "\\" : "/";

/** Joins path segments; trailing separators on the first are dropped. */
export function joinPath(first: string, ...rest: string[]): string {
  return [first.replace(/[\\/]+$/, ""), ...rest].join(SEPARATOR);
}
