/** Temporary files and directories as disposables, removed however the test ends. */

/** Removes `path` (recursively) when disposed: `await using _dir = removing(dir)`. */
export function removing(path: string): AsyncDisposable {
  return { [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** A fresh temporary directory, removed when disposed: `await using dir = await tempDir("aws-oidc-x-")`. */
export async function tempDir(prefix: string): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix });
  return { path, ...removing(path) };
}
