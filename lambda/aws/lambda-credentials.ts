/**
 * Stands in for `@aws-sdk/credential-provider-node` in the bundle (esbuild
 * alias, see .projenrc.ts). Lambda hands a function its role's credentials in
 * environment variables, so the default chain's SSO, INI, process, web-identity
 * and IMDS providers, and the STS and SSO clients they pull in, are dead weight
 * that every cold start would load.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
