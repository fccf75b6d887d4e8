/**
 * Which certificate authorities HTTPS trusts. Deno's default is its bundled
 * Mozilla roots only, so a corporate TLS-inspecting proxy (whose root is in
 * the operating system's store) would break every login. Deno reads
 * `DENO_TLS_CA_STORE` when the first TLS connection is made, in `deno run` and
 * in a compiled binary alike, so setting it before any request is enough.
 * `DENO_CERT` (a PEM file) is honoured by Deno itself, on top of these.
 *
 * @see https://docs.deno.com/runtime/reference/env_variables/
 */

/** The stores used when the user has not chosen: the OS's first, then the bundled roots. */
export const DEFAULT_CA_STORES = "system,mozilla";

/** Trusts the OS store as well as the bundled roots, unless `DENO_TLS_CA_STORE` says otherwise. */
export function trustSystemCertificates(env: Pick<typeof Deno.env, "get" | "set"> = Deno.env): void {
  if (!env.get("DENO_TLS_CA_STORE")) env.set("DENO_TLS_CA_STORE", DEFAULT_CA_STORES);
}
