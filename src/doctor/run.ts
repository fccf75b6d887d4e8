/**
 * `doctor`: every check, in the order a person would fix things: the config,
 * then each provider's IdP, STS, the cache and where its secrets are kept, and
 * the AWS profiles that call us.
 * The network checks run concurrently, each with a short timeout.
 */
import { checkConfig } from "./config.ts";
import { checkIdp } from "./idp.ts";
import { checkSts } from "./sts.ts";
import { checkCache, checkRefreshes } from "./cache.ts";
import { checkStorage } from "./storage.ts";
import { checkProfiles } from "./profiles.ts";
import { providerNames } from "../config/resolve.ts";
import type { CheckResult } from "./report.ts";

/** Timeout of each network check. */
export const DOCTOR_TIMEOUT_MS = 5_000;

/** Inputs of {@link runDoctor}. */
export interface DoctorInput {
  configPath: string;
  env: (name: string) => string | undefined;
  /** Only this provider (and the profiles that use it). */
  only?: string;
  timeoutMs?: number;
}

/** Runs every check; never throws for what it finds. */
export async function runDoctor(input: DoctorInput): Promise<CheckResult[]> {
  const timeoutMs = input.timeoutMs ?? DOCTOR_TIMEOUT_MS;
  const config = await checkConfig(input.configPath, { env: input.env, only: input.only });
  const [idps, sts, cache, refreshes, storage, profiles] = await Promise.all([
    Promise.all(config.providers.map((provider) => checkIdp(provider, { timeoutMs }))),
    checkSts(config.providers, { timeoutMs }),
    checkCache(input.env),
    checkRefreshes(config.providers, input.env),
    checkStorage(config.providers, input.env),
    checkProfiles({
      env: input.env,
      configPath: input.configPath,
      providers: config.config ? providerNames(config.config) : [],
      only: input.only,
    }),
  ]);
  return [...config.results, ...idps.flat(), ...sts, ...cache, ...refreshes, ...storage, ...profiles];
}
