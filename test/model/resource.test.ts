import { isDeployed } from '../../src/model/index.js';

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
