/**
 * aws-oidc entry point: the only place that exits the process. The command
 * line library and everything heavy load lazily, so the paths that run before
 * every `aws` command stay fast.
 */
const { main } = await import("./src/cli/main.ts");
Deno.exit(await main(Deno.args));
