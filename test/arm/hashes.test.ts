import { deterministicGuid, uniqueString } from '../../src/sources/arm/index.js';
import { murmurHash64 } from '../../src/sources/arm/hashes.js';
import { named, scanFixture } from './support.js';

/**
 * Results Azure itself computed:
 * - Azure/bicep src/Bicep.Core.Samples/Files/baselines_bicepparam/Expressions: Bicep evaluates
 *   `.bicepparam` expressions with Azure's deployment expression engine; parameters.json holds its output.
 * - Azure/terraform-provider-azapi internal/services/functions/unique_string_function_test.go.
 * - microsoft/commercial-marketplace-offer-deploy test/Tests/ArmFunctionsTests.cs ("value from ARM template").
 */
describe('uniqueString() and guid() match Azure', () => {
  test.each([
    [['asd', 'asdf', 'asdf'], 'iizpqit7ih3cc'],
    [['/subscriptions/00000000-0000-0000-0000-000000000000', 'resource-id'], 'cwvxuqg24sifi'],
    [
      [
        '/subscriptions/31e9f9a0-9fd2-4294-a0a3-0101246d9700/resourceGroups/rg-modm201-20230913120256/providers/Microsoft.Compute/virtualMachines/bobjacmodm201',
      ],
      'yvjxno3je5on2',
    ],
  ])('uniqueString(%j) = %s', (values, expected) => {
    expect(uniqueString(values)).toBe(expected);
  });

  test("guid('asdf') = 228d27cc-6fdb-5934-b7ac-1efccebade04", () => {
    expect(deterministicGuid(['asdf'])).toBe('228d27cc-6fdb-5934-b7ac-1efccebade04');
  });

  test("arguments are joined with a hyphen: guid(a, b) is guid('a-b'), not guid('ab')", () => {
    expect(deterministicGuid(['a', 'b'])).toBe(deterministicGuid(['a-b']));
    expect(deterministicGuid(['a', 'b'])).not.toBe(deterministicGuid(['ab']));
    expect(uniqueString(['a', 'b'])).toBe(uniqueString(['a-b']));
  });

  test('every tail length of the hash input is consumed (0 to 16 bytes differ from each other)', () => {
    const hashes = new Set<bigint>();
    for (let length = 0; length <= 16; length++) hashes.add(murmurHash64(Buffer.from('abcdefghijklmnop'.slice(0, length))));
    expect(hashes.size).toBe(17);
    // Multi-byte UTF-8 input is hashed as UTF-8 bytes.
    expect(uniqueString(['é'])).not.toBe(uniqueString(['e']));
    expect(uniqueString(['é'])).toMatch(/^[a-z2-7]{13}$/);
  });

  test('the same values evaluated in a template give the same results', () => {
    const { resources, problems } = scanFixture('arm/features/functions.json');
    expect(problems).toEqual([]);
    const properties = named(resources, 'functions').properties!;
    expect(properties['guid']).toBe('228d27cc-6fdb-5934-b7ac-1efccebade04');
    expect(properties['uniqueString']).toBe('iizpqit7ih3cc');
    // resourceGroup().id is the placeholder resource group's id.
    expect(properties['uniqueStringOfScope']).toBe(
      uniqueString(['/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyscope-template-rg']),
    );
  });
});
