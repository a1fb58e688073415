import { existsSync } from 'node:fs';
import path from 'node:path';
import { compareAvm } from '../../bench/avm-compare.js';
import { corpusFiles, runCorpus } from '../../bench/avm-corpus.js';
import { sharedDir } from '../helpers.js';
import { scanJson } from './support.js';

const corpus = path.join(sharedDir, 'reference', 'avm', 'res');
const available = existsSync(corpus);

/** The Azure Verified Modules (523 compiled Bicep templates), scanned with their default parameters. */
(available ? describe : describe.skip)('the AVM corpus (../shared/reference/avm)', () => {
  const run = available ? runCorpus(corpusFiles(corpus), corpus) : undefined;

  test('no crash, and every problem is precise: a code, a line and column, and for expressions the JSON pointer', () => {
    expect(run!.files).toBe(523);
    expect(run!.crashes).toEqual([]);
    for (const [file, result] of run!.results) {
      for (const problem of result.problems) {
        expect([file, problem.target, typeof problem.line, typeof problem.column]).toEqual([file, file, 'number', 'number']);
        if (problem.code === 'template-invalid') expect([file, problem.message]).toEqual([file, expect.stringMatching(/^\/\S*: .+/)]);
        else expect([file, problem.code]).toEqual([file, 'template-parameter-missing']);
      }
    }
    // Each module requires at least its resource name: that is what the missing-parameter problems say.
    expect(run!.problemsByCode['template-parameter-missing']).toBeGreaterThan(500);
    // Only templates that cannot deploy with their defaults are errors (today one: a DES module that dereferences a null key).
    expect(run!.filesWithErrors).toBeLessThanOrEqual(5);
    expect(run!.resources).toBeGreaterThan(523);
  });

  test("the key vault module's vault, with its defaults, passes keyvault.purge-protection", async () => {
    const file = path.join(corpus, 'key-vault', 'vault', 'main.json');
    const { document } = await scanJson(['--template', file, '--fail-on', 'none']);
    expect(document.summary.byRule['keyvault.purge-protection']).toEqual({
      severity: 'high',
      pass: 1,
      fail: 0,
      unknown: 0,
      notApplicable: 0,
    });
    expect(document.findings.filter((f) => f.ruleId.startsWith('keyvault.'))).toEqual([]);
    // A required parameter left unset is a notice: the scan is complete, what reads it is unknown.
    expect(document.scan.errors).toEqual([]);
    expect(document.scan.notices.map((e) => `${e.code} ${e.message}`)).toEqual([
      "template-parameter-missing the parameter 'name' has no value and no default: what depends on it is unknown (give it with --parameters)",
    ]);
  });

  test('scanned as `keyscope scan --template avm`: parameters and empty modules are notices, the one error a template Azure rejects; findings the same as before notices and present values, or more decided', async () => {
    const comparison = await compareAvm(path.join(sharedDir, 'reference', 'avm'));
    expect(comparison.noticesByCode).toEqual({ 'template-parameter-missing': 1380, 'input-empty': 4 });
    // The disk encryption set module dereferences its nullable customerManagedKey, null by default: Azure rejects that deployment.
    expect(comparison.errors).toEqual([
      {
        code: 'template-invalid',
        message: "/resources/diskEncryptionSet/properties/activeKey: cannot read the property 'keyVaultResourceId' of null",
        target: path.join(sharedDir, 'reference', 'avm', 'res', 'compute', 'disk-encryption-set', 'main.json'),
        line: 362,
        column: 98,
      },
    ]);
    expect(comparison.exitCode).toBe(3); // only because of that template
    expect(comparison.violations).toEqual([]);
    expect(comparison.changed).toEqual([]);
    // The new service rules fail the modules whose defaults leave customer-managed keys off; a VM's or scale
    // set's disk encryption set is a parameter, so it and the relational rules that follow it are unknown.
    expect(comparison.added.map((line) => line.split(' ').slice(0, 3).join(' ').replace(':', '')).sort()).toEqual([
      'fail cmk.automation-account res/automation/automation-account/main.json',
      'fail cmk.backup-vault res/data-protection/backup-vault/main.json',
      'fail cmk.batch-account res/batch/batch-account/main.json',
      'fail cmk.container-instance res/container-instance/container-group/main.json',
      'fail cmk.cosmos-mongo-vcore res/document-db/mongo-cluster/main.json',
      'fail cmk.data-explorer res/kusto/cluster/main.json',
      'fail cmk.dicom-service res/healthcare-apis/workspace/dicomservice/main.json',
      'fail cmk.elastic-san-volume-group res/elastic-san/elastic-san/volume-group/main.json',
      'fail cmk.fhir-service res/healthcare-apis/workspace/fhirservice/main.json',
      'fail cmk.health-bot res/health-bot/health-bot/main.json',
      'fail cmk.image res/compute/image/main.json',
      'fail cmk.iot-hub res/devices/iot-hub/main.json',
      'fail cmk.load-testing res/load-test-service/load-test/main.json',
      'fail cmk.log-analytics-workspace res/operational-insights/workspace/main.json',
      'fail cmk.log-search-alert res/insights/scheduled-query-rule/main.json',
      'fail cmk.netapp-account res/net-app/net-app-account/main.json',
      'fail cmk.recovery-services-vault res/recovery-services/vault/main.json',
      'fail cmk.redis-enterprise res/cache/redis-enterprise/main.json',
      'fail cmk.search-service res/search/search-service/main.json',
      'unknown cmk.key-access-scoped res/compute/virtual-machine-scale-set/main.json',
      'unknown cmk.key-access-scoped res/compute/virtual-machine/main.json',
      'unknown cmk.key-resolvable res/compute/virtual-machine-scale-set/main.json',
      'unknown cmk.key-resolvable res/compute/virtual-machine/main.json',
      'unknown cmk.key-size-for-service res/compute/virtual-machine-scale-set/main.json',
      'unknown cmk.key-size-for-service res/compute/virtual-machine/main.json',
      'unknown cmk.key-store-protected res/compute/virtual-machine-scale-set/main.json',
      'unknown cmk.key-store-protected res/compute/virtual-machine/main.json',
      'unknown cmk.virtual-machine res/compute/virtual-machine/main.json',
      'unknown cmk.vm-scale-set res/compute/virtual-machine-scale-set/main.json',
    ]);
  });
});
