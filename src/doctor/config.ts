/** `doctor`'s first checks: the config file parses and every provider in it resolves. */
import { type ConfigFile, loadConfigFile } from "../config/load.ts";
import { providerNames, requireProvider, resolveProvider } from "../config/resolve.ts";
import type { Provider } from "../config/provider.ts";
import { presetOf } from "../config/presets.ts";
import { type CheckResult, fail, ok, warn } from "./report.ts";

/** The findings, and what later checks need: the config and the providers that resolved. */
export interface ConfigCheck {
  results: CheckResult[];
  config?: ConfigFile;
  providers: Provider[];
}

/** Loads the config at `path` and resolves each provider (only `only`, when given). */
export async function checkConfig(
  path: string,
  options: { env: (name: string) => string | undefined; only?: string },
): Promise<ConfigCheck> {
  let config: ConfigFile;
  try {
    config = await loadConfigFile(path);
  } catch (error) {
    return { results: [fail("config", error)], providers: [] };
  }
  if (!config.exists) {
    const hint = "run aws-oidc setup, or create it with an [[AuthProvider]] table (see the README)";
    return { results: [fail("config", `No config file at "${path}"`, { hint })], config, providers: [] };
  }
  const names = [...new Set(providerNames(config))];
  const results = [ok("config", `Config "${path}" parses (${names.length} provider${names.length === 1 ? "" : "s"})`)];
  for (const message of config.warnings) results.push(warn("config", message, { hint: "fix or remove that key" }));
  const unnamed = config.providers.filter((table) => typeof table.name !== "string").length;
  if (unnamed > 0) {
    results.push(
      fail("config", `${unnamed} [[AuthProvider]] table${unnamed === 1 ? " has" : "s have"} no name`, {
        hint: 'add name = "…" to each, the name used on the command line',
      }),
    );
  }
  if (names.length === 0 && unnamed === 0) {
    results.push(fail("config", `"${path}" defines no providers`, { hint: "add an [[AuthProvider]] table" }));
  }
  const providers: Provider[] = [];
  for (const name of options.only === undefined ? names : [options.only]) {
    try {
      const provider = resolveOrFirstRole(config, name, options.env);
      providers.push(provider);
      results.push(
        ok("provider", `Provider "${name}" is valid (role ${provider.roleArn}, region ${provider.region})`, name),
      );
      const unapplied = unappliedPreset(provider);
      if (unapplied) results.push(unapplied);
    } catch (error) {
      results.push(fail("provider", error, { subject: name }));
    }
  }
  return { results, config, providers };
}

/**
 * A warning when `provider_url` belongs to a known IdP but no `type` says so,
 * and that IdP's way of getting refresh tokens is therefore not used (without
 * one, every session that outlives its tokens needs the browser again).
 */
export function unappliedPreset(provider: Provider): CheckResult | undefined {
  if (!provider.typeDetected || provider.type === undefined) return undefined;
  const preset = presetOf(provider.type);
  // offline_access needs no type: it is asked for whenever the IdP lists it (see requestedScopes).
  const missing = Object.entries(preset.authParams ?? {})
    .filter(([key, value]) => provider.authParams[key] !== value)
    .map(([key, value]) => `${key}=${value}`);
  if (missing.length === 0) return undefined;
  return warn(
    "provider",
    `Provider "${provider.name}" looks like ${preset.label} but does not send ${missing.join(", ")}`,
    {
      hint: `add type = "${provider.type}" to its table to get refresh tokens ${preset.label}'s way (see the README)`,
      subject: provider.name,
    },
  );
}

/** A provider with several roles and none chosen is fine here: its first role stands in for all. */
function resolveOrFirstRole(config: ConfigFile, name: string, env: (name: string) => string | undefined): Provider {
  const resolution = resolveProvider({ config, name, env });
  if ("provider" in resolution) return resolution.provider;
  return requireProvider({ config, name, env, flags: { role: resolution.choices[0].arn } });
}
