/**
 * Functions whose result only exists once a deployment runs: they read
 * deployed resources, secrets, the clock or the caller. Their value is
 * unknown before deployment, so anything built from them is an unknown path.
 * Names are lower-case; any other function whose name starts with `list`
 * (listKeys, listSecrets, listAccountSas...) calls a resource provider and
 * is deploy-time too. `reference()` and `resourceInfo()` of a resource the
 * same template deploys are partly known (declared-resources.ts): their
 * reasons here are for any other resource.
 */
export const DEPLOY_TIME_FUNCTIONS: Readonly<Record<string, string>> = {
  reference: 'reference() reads a deployed resource',
  resourceinfo: 'resourceInfo() reads a deployed resource',
  newguid: 'newGuid() is new on every deployment',
  utcnow: 'utcNow() is the time of the deployment',
  deployer: 'deployer() is the principal running the deployment',
  pickzones: 'pickZones() depends on the region and subscription at deployment',
  providers: 'providers() reads the resource provider registry',
  roledefinitions: 'roleDefinitions() looks role definitions up at deployment',
  externalinputs: 'externalInputs() are supplied by the deployment tool',
  getsecret: 'getSecret() reads a Key Vault secret',
};

/** Why a function's result is deploy-time only, or undefined when it is knowable before deployment. */
export function deployTimeReason(lowerName: string): string | undefined {
  const reason = DEPLOY_TIME_FUNCTIONS[lowerName];
  if (reason !== undefined) return reason;
  if (lowerName.startsWith('list')) return `${lowerName}() calls the resource provider at deployment`;
  return undefined;
}
