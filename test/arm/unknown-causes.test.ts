import { fixture, runCli } from '../helpers.js';

describe('template unknowns say why', () => {
  test('a parameter nobody gave is parameter-missing; reference() of a resource the template does not deploy is deploy-time-value', () => {
    const result = runCli(['scan', '--template', fixture('arm', 'unknown-causes', 'parameter-and-reference.json'), '--format', 'json']);
    const findings = (
      JSON.parse(result.stdout) as { findings: { ruleId: string; status: string; cause?: string; resource: { name: string } }[] }
    ).findings;
    expect(findings.map((f) => `${f.ruleId} ${f.resource.name} ${f.status} ${f.cause}`)).toEqual([
      'cmk.cosmos-db cosmos-reference unknown deploy-time-value',
      'cmk.key-access-scoped cosmos-reference unknown deploy-time-value',
      // No identity declared: Azure would give the principal at deployment.
      'cmk.key-access-scoped stparameter unknown deploy-time-value',
      'cmk.key-resolvable cosmos-reference unknown deploy-time-value',
      'cmk.key-resolvable stparameter unknown parameter-missing',
      'cmk.key-size-for-service cosmos-reference unknown deploy-time-value',
      'cmk.key-size-for-service stparameter unknown parameter-missing',
      'cmk.key-store-protected cosmos-reference unknown deploy-time-value',
      'cmk.key-store-protected stparameter unknown parameter-missing',
      'cmk.storage-account stparameter unknown parameter-missing',
    ]);
  });
});
