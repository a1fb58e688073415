import { readFileSync } from 'node:fs';
import { serviceCatalog } from '../../src/catalog/index.js';
import { fixture } from '../helpers.js';
import { countsOf, findingLines, scanService, type ServiceReport } from './scan-service.js';

/**
 * The relational rules follow every new service type's key reference as the
 * catalog describes it. fixtures/services/relational.json holds one resource of
 * each new key-consuming type whose key is in a vault of the export (premium,
 * purge protection, an RSA-HSM 3072 key on HSM platform 2, its identity granted
 * Key Vault Crypto Service Encryption User on the key, tagged fips-level 2), and
 * one whose key the vault does not hold; the disk-encryption-set types go
 * through a set on the key and a set on the missing key.
 */
const inventory = fixture('services', 'relational.json');

const RELATIONAL = [
  'cmk.key-resolvable',
  'cmk.key-store-protected',
  'cmk.key-size-for-service',
  'cmk.key-access-scoped',
  'cmk.fips-level-for-data',
];

/** The key-consuming types the service branches added (today's 19 and the key stores are covered elsewhere). */
const NEW_CONSUMERS = [
  'microsoft.automation/automationaccounts',
  'microsoft.avs/privateclouds',
  'microsoft.batch/batchaccounts',
  'microsoft.botservice/botservices',
  'microsoft.cache/redisenterprise',
  'microsoft.compute/images',
  'microsoft.compute/snapshots',
  'microsoft.compute/virtualmachines',
  'microsoft.compute/virtualmachinescalesets',
  'microsoft.containerinstance/containergroups',
  'microsoft.databox/jobs',
  'microsoft.dataprotection/backupvaults',
  'microsoft.dbforpostgresql/servergroupsv2',
  'microsoft.devices/iothubs',
  'microsoft.devices/provisioningservices',
  'microsoft.deviceupdate/accounts',
  'microsoft.documentdb/cassandraclusters/datacenters',
  'microsoft.documentdb/mongoclusters',
  'microsoft.elasticsan/elasticsans/volumegroups',
  'microsoft.fluidrelay/fluidrelayservers',
  'microsoft.hdinsight/clusters',
  'microsoft.healthbot/healthbots',
  'microsoft.healthcareapis/services',
  'microsoft.healthcareapis/workspaces/dicomservices',
  'microsoft.healthcareapis/workspaces/fhirservices',
  'microsoft.kusto/clusters',
  'microsoft.loadtestservice/loadtests',
  'microsoft.netapp/netappaccounts',
  'microsoft.recoveryservices/vaults',
  'microsoft.storage/storageaccounts/encryptionscopes',
  'microsoft.storagecache/amlfilesystems',
  'microsoft.storagecache/caches',
];

const scan = (): Promise<ServiceReport> => scanService(inventory);

describe('the relational rules on every new key-consuming type', () => {
  test('the fixture holds a resolvable and a dangling resource of each new type, and each is a catalog key consumer', () => {
    const records = JSON.parse(readFileSync(inventory, 'utf8')) as { type: string; name: string }[];
    const consumers = new Set(
      serviceCatalog()
        .keyConsumers()
        .map((entry) => entry.key),
    );
    for (const suffix of ['-ok', '-dangling']) {
      const types = records.filter((r) => r.name.endsWith(suffix) && r.type !== 'microsoft.compute/diskencryptionsets').map((r) => r.type);
      expect(types.sort()).toEqual(NEW_CONSUMERS);
    }
    for (const type of NEW_CONSUMERS) expect({ type, consumer: consumers.has(type) }).toEqual({ type, consumer: true });
  });

  test('resolvable and protected keys pass; a key the vault does not hold fails cmk.key-resolvable; first-party and parent identities leave access unknown', async () => {
    const findings = findingLines(await scan(), RELATIONAL).sort();
    expect(findings).toEqual([
      // The Bot Service, Container Instances (no identity named), API for FHIR keys are unwrapped by a Microsoft
      // first-party application; a Cassandra data center's by its parent cluster's identity; an encryption scope's
      // by its storage account's: none is a principal of the record, so who may use the key is unknown.
      'cmk.key-access-scoped botservice-botservices-ok unknown',
      'cmk.key-access-scoped containerinstance-containergroups-ok unknown',
      'cmk.key-access-scoped documentdb-datacenters-ok unknown',
      'cmk.key-access-scoped healthcareapis-services-ok unknown',
      'cmk.key-access-scoped storage-encryptionscopes-ok unknown',
      'cmk.key-resolvable automation-automationaccounts-dangling fail',
      'cmk.key-resolvable avs-privateclouds-dangling fail',
      'cmk.key-resolvable batch-batchaccounts-dangling fail',
      'cmk.key-resolvable botservice-botservices-dangling fail',
      'cmk.key-resolvable cache-redisenterprise-dangling fail',
      'cmk.key-resolvable compute-images-dangling fail',
      'cmk.key-resolvable compute-snapshots-dangling fail',
      'cmk.key-resolvable compute-virtualmachines-dangling fail',
      'cmk.key-resolvable compute-virtualmachinescalesets-dangling fail',
      'cmk.key-resolvable containerinstance-containergroups-dangling fail',
      'cmk.key-resolvable databox-jobs-dangling fail',
      'cmk.key-resolvable dataprotection-backupvaults-dangling fail',
      'cmk.key-resolvable dbforpostgresql-servergroupsv2-dangling fail',
      'cmk.key-resolvable des-services-dangling fail',
      'cmk.key-resolvable devices-iothubs-dangling fail',
      'cmk.key-resolvable devices-provisioningservices-dangling fail',
      'cmk.key-resolvable deviceupdate-accounts-dangling fail',
      'cmk.key-resolvable documentdb-datacenters-dangling fail',
      'cmk.key-resolvable documentdb-mongoclusters-dangling fail',
      'cmk.key-resolvable elasticsan-volumegroups-dangling fail',
      'cmk.key-resolvable fluidrelay-fluidrelayservers-dangling fail',
      'cmk.key-resolvable hdinsight-clusters-dangling fail',
      'cmk.key-resolvable healthbot-healthbots-dangling fail',
      'cmk.key-resolvable healthcareapis-dicomservices-dangling fail',
      'cmk.key-resolvable healthcareapis-fhirservices-dangling fail',
      'cmk.key-resolvable healthcareapis-services-dangling fail',
      'cmk.key-resolvable kusto-clusters-dangling fail',
      'cmk.key-resolvable loadtestservice-loadtests-dangling fail',
      'cmk.key-resolvable netapp-netappaccounts-dangling fail',
      'cmk.key-resolvable recoveryservices-vaults-dangling fail',
      'cmk.key-resolvable storage-encryptionscopes-dangling fail',
      'cmk.key-resolvable storagecache-amlfilesystems-dangling fail',
      'cmk.key-resolvable storagecache-caches-dangling fail',
    ]);
  });

  test('each relational rule applies to every one of them (32 types and the disk encryption sets between)', async () => {
    const counts = countsOf(await scan(), RELATIONAL);
    expect(counts).toEqual({
      // 32 resources and the set on the key pass; 32 resources and the set on the missing key are dangling.
      'cmk.key-resolvable': { pass: 33, fail: 33, unknown: 0, notApplicable: 0 },
      'cmk.key-store-protected': { pass: 33, fail: 0, unknown: 0, notApplicable: 33 },
      'cmk.key-size-for-service': { pass: 33, fail: 0, unknown: 0, notApplicable: 33 },
      'cmk.key-access-scoped': { pass: 28, fail: 0, unknown: 5, notApplicable: 33 },
      // Only the resources tagged fips-level 2 ask for a level; the set is not tagged.
      'cmk.fips-level-for-data': { pass: 32, fail: 0, unknown: 0, notApplicable: 34 },
    });
  });
});
