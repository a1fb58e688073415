import { RelationIndex } from '../../src/inventory/index.js';
import { soleUserAssigned, unwrapperOf } from '../../src/inventory/unwrapping.js';
import type { Resource } from '../../src/model/index.js';

const SUB = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers';
const exported = (resource: Resource): Resource => ({ ...resource, origin: { kind: 'export', file: 'x.json', line: 1 } });
const UAI = `${SUB}/Microsoft.ManagedIdentity/userAssignedIdentities/id-batch`;

describe("the catalog's unwrapping forms", () => {
  test('a first-party application and a parent identity are unknown, with the reason; the others are left to the index', () => {
    expect(unwrapperOf({ key: { uri: 'p' }, firstPartyIdentity: { name: 'Bot Service CMEK Prod' } })).toEqual({
      unknown: 'the key is unwrapped by the Bot Service CMEK Prod first-party application, whose object id differs per tenant',
      cause: 'first-party-identity',
    });
    expect(unwrapperOf({ key: { uri: 'p' }, unwrappedBy: 'parent-system-assigned' })).toEqual({
      unknown: "the key is unwrapped by the parent resource's system-assigned identity, which keyscope does not follow",
      cause: 'identity-unresolved',
    });
    expect(unwrapperOf({ key: { uri: 'p' }, unwrappedBy: 'resource-identity' })).toBeUndefined();
    expect(unwrapperOf({ key: { uri: 'p' } })).toBeUndefined();
  });

  test('resource-identity: the single user-assigned identity; none or several say nothing', () => {
    expect(soleUserAssigned({ type: 'UserAssigned', userAssignedIdentities: { [UAI]: { principalId: 'ABC' } } })).toEqual({
      principalId: 'abc',
      form: 'UserAssigned',
      resourceId: UAI,
    });
    expect(soleUserAssigned({ type: 'UserAssigned', userAssignedIdentities: { [UAI]: {} } })).toEqual({
      unknown: `the principal id of ${UAI} is not in the record`,
      cause: 'identity-unresolved',
    });
    expect(soleUserAssigned({ type: 'UserAssigned', userAssignedIdentities: { [UAI]: {}, [`${UAI}-2`]: {} } })).toBeUndefined();
    expect(soleUserAssigned({ type: 'None' })).toBeUndefined();
  });
});

describe('optional each members: a VM data disk without a set is on platform keys, not dangling', () => {
  const des = exported({
    id: `${SUB}/Microsoft.Compute/diskEncryptionSets/des-1`,
    type: 'Microsoft.Compute/diskEncryptionSets',
    name: 'des-1',
    identity: { type: 'SystemAssigned', principalId: 'p-des' },
    properties: { encryptionType: 'EncryptionAtRestWithCustomerKey', activeKey: { keyUrl: 'https://kv1.vault.azure.net/keys/k1' } },
  });
  const vm = (name: string, dataDiskSet: string | undefined): Resource =>
    exported({
      id: `${SUB}/Microsoft.Compute/virtualMachines/${name}`,
      type: 'Microsoft.Compute/virtualMachines',
      name,
      properties: {
        storageProfile: {
          osDisk: { managedDisk: { diskEncryptionSet: { id: des.id } } },
          dataDisks: [{ lun: 0, managedDisk: dataDiskSet ? { diskEncryptionSet: { id: dataDiskSet } } : {} }],
        },
      },
    });

  test('the VM reaches its key through the OS disk set alone; a data disk naming a set the scan lacks is what dangles', () => {
    const index = new RelationIndex({ asOf: new Date('2026-01-01T00:00:00Z') });
    const vms = [vm('vm-platform-data-disk', undefined), vm('vm-missing-set', `${SUB}/Microsoft.Compute/diskEncryptionSets/des-gone`)];
    const handles = [des, ...vms].map((resource) => index.observe(resource));
    index.build();
    const keyCounts = vms.map((resource, i) => index.relationsOf(resource, handles[i + 1]).relation['keyCount']);
    expect(keyCounts).toEqual([1, 2]);
  });
});
