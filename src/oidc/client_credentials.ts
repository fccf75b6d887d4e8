/** Placeholder while this flow is being written (issue 6). */
import { AwsOidcError } from "../errors.ts";
import type { Provider } from "../config/resolve.ts";
import type { LoginDeps } from "./login.ts";
import type { Tokens } from "./tokens.ts";

/** Not yet available. */
export function loginWithClientCredentials(provider: Provider, _deps: LoginDeps): Promise<Tokens> {
  return Promise.reject(
    new AwsOidcError(`The "${provider.flow}" flow is not available yet`, { hint: 'use flow = "browser"' }),
  );
}
