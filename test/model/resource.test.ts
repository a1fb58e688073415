import { isDeployed, unknownCauseOf } from '../../src/model/index.js';

describe('deployed or declared', () => {
  test('live and exported records (and rule examples, which stand for them) are deployed; templates and plans declare', () => {
    expect(isDeployed({ kind: 'export' })).toBe(true);
    expect(isDeployed({ kind: 'graph' })).toBe(true);
    expect(isDeployed({ kind: 'example' })).toBe(true);
    expect(isDeployed({ kind: 'arm' })).toBe(false);
    expect(isDeployed({ kind: 'terraform' })).toBe(false);
    expect(isDeployed({ kind: 'unknown' })).toBe(false);
    expect(isDeployed(undefined)).toBe(false);
  });
});

describe('why an unknown path is unknown', () => {
  test('the cause the source gave for the path that covers it, else the one its origin implies', () => {
    const arm = { origin: { kind: 'arm' as const, file: 't.json', line: 1, column: 1, pointer: '' } };
    expect(unknownCauseOf(arm, 'properties.keyvaulturi')).toBe('deploy-time-value');
    const withParameter = { ...arm, unknownCauses: { 'properties.encryption.keyvaultproperties.keyname': 'parameter-missing' as const } };
    expect(unknownCauseOf(withParameter, 'properties.encryption.keyvaultproperties.keyname')).toBe('parameter-missing');
    expect(unknownCauseOf(withParameter, 'properties.encryption')).toBe('parameter-missing');
    expect(unknownCauseOf(withParameter, 'properties.sku')).toBe('deploy-time-value');
    expect(unknownCauseOf(withParameter)).toBe('parameter-missing');
    expect(unknownCauseOf({ origin: { kind: 'terraform' } }, 'properties.x')).toBe('deploy-time-value');
    expect(unknownCauseOf({ origin: { kind: 'graph' } }, 'properties.keyid')).toBe('enrichment-failed');
    expect(unknownCauseOf({ origin: { kind: 'export' } }, 'properties.keyid')).toBe('enrichment-failed');
  });
});
