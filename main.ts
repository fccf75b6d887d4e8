/**
 * aws-oidc entry point: the only place that exits the process.
 *
 * `auth` with fresh cached credentials is answered by the fast path, which
 * loads no npm package but the TOML parser; everything else loads the full
 * command line lazily.
 */
const encoder = new TextEncoder();

function write(file: { writeSync(p: Uint8Array): number }, text: string): void {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
}

if (Deno.args[0] === "auth") {
  const { cachedAuth } = await import("./src/fast_path.ts");
  const line = await cachedAuth(Deno.args.slice(1), (name) => Deno.env.get(name), (message) => {
    write(Deno.stderr, `warning: ${message}\n`);
  });
  if (line !== undefined) {
    write(Deno.stdout, line);
    Deno.exit(0);
  }
}
const { main } = await import("./src/cli/main.ts");
Deno.exit(await main(Deno.args));
