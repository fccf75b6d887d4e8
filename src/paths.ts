/**
 * Path joining without `node:path`, whose import pulls Deno's Node layer into
 * the fast cached path.
 */

const SEPARATOR = Deno.build.os === "windows" ? "\\" : "/";

/** Joins path segments; trailing separators on the first are dropped. */
export function joinPath(first: string, ...rest: string[]): string {
  return [first.replace(/[\\/]+$/, ""), ...rest].join(SEPARATOR);
}

/** The last segment of a path (`/usr/bin/aws-oidc` → `aws-oidc`), as `node:path`'s basename gives it. */
export function baseName(path: string): string {
  const trimmed = path.replace(Deno.build.os === "windows" ? /[\\/]+$/ : /\/+$/, "");
  const separator = Deno.build.os === "windows" ? /[\\/]/ : /\//;
  return trimmed.split(separator).at(-1) ?? "";
}

/** The path of a `file:` URL, as `node:url`'s fileURLToPath gives it (percent-decoding, drive letters, UNC). */
export function filePathOf(url: string): string {
  const { hostname, pathname } = new URL(url);
  const path = decodeURIComponent(pathname);
  if (Deno.build.os !== "windows") return path;
  const windows = path.replace(/^\/([A-Za-z]:)/, "$1").replaceAll("/", "\\");
  return hostname ? `\\\\${hostname}${windows}` : windows;
}
