import { fixture } from '../helpers.js';
import { countsOf, findingLines, scanService, type ServiceReport } from './scan-service.js';

/**
 * One resource per REST-example shape of the storage, compute and backup
 * services, customer-managed keys on and off: each service rule gives the
 * verdict the REST documentation implies.
 */
const inventory = fixture('services', 'storage-compute.json');

const SERVICE_RULES = [
  'cmk.backup-vault',
  'cmk.elastic-san-volume-group',
  'cmk.hpc-cache',
  'cmk.image',
  'cmk.managed-disk',
  'cmk.managed-lustre',
  'cmk.netapp-account',
  'cmk.recovery-services-vault',
  'cmk.snapshot',
  'cmk.storage-encryption-scope',
  'cmk.storage-queue-table',
  'cmk.virtual-machine',
  'cmk.vm-scale-set',
];

const scan = (): Promise<ServiceReport> => scanService(inventory);

describe('storage, compute and backup services on REST-example shapes', () => {
  test('each service rule fails exactly the resources on platform or Microsoft-managed keys', async () => {
    const findings = findingLines(await scan(), SERVICE_RULES);
    expect(findings).toEqual([
      'cmk.backup-vault bv-pmk fail',
      'cmk.elastic-san-volume-group vg-pmk-leftover fail',
      'cmk.hpc-cache sc-pmk fail',
      'cmk.image image-pmk fail',
      'cmk.managed-disk disk-cvm-pmk fail',
      'cmk.managed-disk disk-pmk fail',
      'cmk.managed-lustre fs-pmk fail',
      'cmk.netapp-account anf-default fail',
      'cmk.recovery-services-vault rsv-pmk fail',
      'cmk.snapshot snap-pmk fail',
      'cmk.storage-encryption-scope scope-pmk fail',
      'cmk.storage-queue-table stcmkblobonly fail',
      'cmk.virtual-machine vm-os-pmk fail',
      'cmk.virtual-machine vm-pmk fail',
      'cmk.vm-scale-set vmss-pmk fail',
    ]);
  });

  test('the customer-key shapes pass, including the confidential VM disk and the REST Caches_Get record without an identity', async () => {
    const counts = countsOf(await scan(), SERVICE_RULES);
    expect(counts).toEqual({
      'cmk.backup-vault': { pass: 1, fail: 1, unknown: 0, notApplicable: 0 },
      'cmk.elastic-san-volume-group': { pass: 1, fail: 1, unknown: 0, notApplicable: 0 },
      'cmk.hpc-cache': { pass: 2, fail: 1, unknown: 0, notApplicable: 0 },
      'cmk.image': { pass: 1, fail: 1, unknown: 0, notApplicable: 0 },
      'cmk.managed-disk': { pass: 2, fail: 2, unknown: 0, notApplicable: 0 },
      'cmk.managed-lustre': { pass: 1, fail: 1, unknown: 0, notApplicable: 0 },
      'cmk.netapp-account': { pass: 1, fail: 1, unknown: 0, notApplicable: 0 },
      'cmk.recovery-services-vault': { pass: 1, fail: 1, unknown: 0, notApplicable: 0 },
      'cmk.snapshot': { pass: 1, fail: 1, unknown: 0, notApplicable: 0 },
      'cmk.storage-encryption-scope': { pass: 1, fail: 1, unknown: 0, notApplicable: 0 },
      // The account on Microsoft-managed keys is not applicable: cmk.storage-account fails it.
      'cmk.storage-queue-table': { pass: 1, fail: 1, unknown: 0, notApplicable: 1 },
      'cmk.virtual-machine': { pass: 2, fail: 2, unknown: 0, notApplicable: 0 },
      // The Flexible scale set without a VM model is not applicable.
      'cmk.vm-scale-set': { pass: 1, fail: 1, unknown: 0, notApplicable: 1 },
    });
  });
});
