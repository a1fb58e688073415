/** How a live scan signs in (`--auth`). Kept apart from the credential code so the CLI can list the choices without loading the Azure SDK. */
export type AuthMethod = 'default' | 'client-secret' | 'workload-identity' | 'managed-identity' | 'azure-cli';

export const AUTH_METHODS: readonly AuthMethod[] = ['default', 'client-secret', 'workload-identity', 'managed-identity', 'azure-cli'];
