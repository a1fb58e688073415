import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { cliPath, fixture, root, runCli, runInProcess } from '../helpers.js';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validateFindings = ajv.compile(JSON.parse(readFileSync(`${root}/schemas/findings.schema.json`, 'utf8')) as object);

interface Document {
  scan: { complete: boolean; errors: { code: string; target: string; line?: number; fatal?: boolean }[]; started: string | null };
  summary: { resources: number; byStatus: Record<string, number>; bySeverity: Record<string, number> };
  findings: {
    ruleId: string;
    status: string;
    severity: string;
    resource: { name: string };
    message: string;
    fingerprint: string;
    location: unknown;
  }[];
}

function parse(stdout: string): Document {
  const document = JSON.parse(stdout) as Document;
  expect(validateFindings.errors ?? []).toEqual([]);
  if (!validateFindings(document)) throw new Error(JSON.stringify(validateFindings.errors, null, 2));
  return document;
}

const example = 'examples/inventory.json';

describe('keyscope scan', () => {
  test('each finding lists its members in the order the schema gives them (diffs of two reports line up)', () => {
    const schema = JSON.parse(readFileSync(`${root}/schemas/findings.schema.json`, 'utf8')) as {
      definitions: { finding: { properties: Record<string, unknown> } };
    };
    const order = Object.keys(schema.definitions.finding.properties);
    const result = runCli(['scan', '--input', example, '--format', 'json']);
    const findings = (JSON.parse(result.stdout) as { findings: Record<string, unknown>[] }).findings;
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) expect(Object.keys(finding)).toEqual(order.filter((key) => key in finding));
    expect(Object.keys(findings[0]!)).toEqual([
      'ruleId',
      'severity',
      'status',
      'resource',
      'message',
      'evidence',
      'location',
      'fingerprint',
    ]);
  });

  test('the example inventory: exact findings, schema-valid JSON, exit 1 at the default threshold', () => {
    const result = runCli(['scan', '--input', example, '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const document = parse(result.stdout);
    expect(document.findings.map((f) => `${f.ruleId} ${f.resource.name} ${f.status}`)).toEqual([
      'cmk.aks-cluster aks-contoso fail',
      'cmk.container-registry acrcontoso fail',
      // Cosmos DB's identity holds Key Vault Crypto User on the whole vault, not Crypto Service Encryption User on the key.
      'cmk.key-access-scoped cosmos-contoso fail',
      'cmk.managed-disk vm-web-01_OsDisk fail',
      'cmk.postgresql-flexible psql-contoso fail',
      'cmk.sql-server sql-contoso-orders fail',
      'cmk.storage-account stlegacylogs fail',
      // Its customer-managed key covers blobs and files; queues and tables are left on Microsoft-managed keys.
      'cmk.storage-queue-table stcontosodata fail',
      // Its OS disk names no disk encryption set (the disk itself fails cmk.managed-disk).
      'cmk.virtual-machine vm-web-01 fail',
      'key.ec-allowed-curves signing-ec fail',
      'key.expiration-set app-key fail',
      'key.hsm-backed app-key fail',
      'key.hsm-backed signing-ec fail',
      'key.rotation-policy app-key fail',
      'key.rotation-policy signing-ec fail',
      'keyvault.access-policy-least-privilege kv-legacy-app fail',
      'keyvault.purge-protection kv-legacy-app fail',
      'keyvault.rbac-authorization kv-legacy-app fail',
      'keyvault.soft-delete-retention kv-legacy-app fail',
      'managedhsm.purge-protection mhsm-contoso fail',
    ]);
    expect(document.summary.resources).toBe(17);
    expect(document.scan).toEqual({
      sources: [{ kind: 'export', target: example, resources: 17 }],
      started: null,
      ended: null,
      complete: true,
      errors: [],
      notices: [],
      scopes: ['3f2a1c9e-7b4d-4e8a-9c1f-2d6b8a0e5f11'],
      profile: null,
    });
    const purge = document.findings.find((f) => f.ruleId === 'keyvault.purge-protection')!;
    expect(purge.message).toBe(
      "microsoft.keyvault/vaults 'kv-legacy-app': properties.enablePurgeProtection is not set (expected equals true).",
    );
    expect(purge.location).toEqual({ kind: 'export', file: example, line: 25 });
  });

  test('two scans of the same input are byte-identical', () => {
    const first = runCli(['scan', '--input', example, '--format', 'json']);
    const second = runCli(['scan', '--input', example, '--format', 'json']);
    expect(second.stdout).toBe(first.stdout);
    const text1 = runCli(['scan', '--input', example, '--format', 'text']);
    expect(runCli(['scan', '--input', example, '--format', 'text']).stdout).toBe(text1.stdout);
  });

  test('--timestamps records the scan times', async () => {
    const result = await runInProcess(['scan', '--input', example, '--format', 'json', '--timestamps']);
    expect(parse(result.stdout).scan.started).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  test('--fail-on moves the threshold, never the meaning of the codes', () => {
    expect(runCli(['scan', '--input', example, '--fail-on', 'critical', '--format', 'json']).code).toBe(0);
    expect(runCli(['scan', '--input', example, '--fail-on', 'medium', '--format', 'json']).code).toBe(1);
    expect(runCli(['scan', '--input', example, '--fail-on', 'none', '--format', 'json']).code).toBe(0);
    expect(
      runCli([
        'scan',
        '--input',
        'fixtures/inventories/three-vaults.json',
        '--fail-on',
        'none',
        '--rules',
        'fixtures/rules/valid-custom',
        '--format',
        'json',
      ]).code,
    ).toBe(0);
  });

  test('the three export shapes give the same findings', () => {
    const findings = (file: string): string =>
      JSON.stringify(
        parse(runCli(['scan', '--input', file, '--format', 'json']).stdout).findings.map((f) => [f.ruleId, f.resource.name, f.fingerprint]),
      );
    const array = findings('fixtures/inventories/three-vaults.json');
    expect(findings('fixtures/inventories/three-vaults.az-graph.json')).toBe(array);
    expect(findings('fixtures/inventories/three-vaults.ndjson')).toBe(array);
    expect(findings('fixtures/inventories/three-vaults.ndjson.gz')).toBe(array);
  });

  test('reads standard input with --input -', () => {
    const input = readFileSync(fixture('inventories', 'three-vaults.ndjson'), 'utf8');
    const result = runCli(['scan', '--input', '-', '--format', 'json'], { input });
    expect(parse(result.stdout).summary.resources).toBe(3);
  });

  test('a malformed inventory line exits 2 naming the line, keeps what it read, prints no stack', () => {
    const result = runCli(['scan', '--input', 'fixtures/inventories/malformed-line.ndjson', '--format', 'json']);
    expect(result.code).toBe(2);
    const document = parse(result.stdout);
    expect(document.scan.complete).toBe(false);
    expect(document.scan.errors).toEqual([
      expect.objectContaining({ code: 'input-invalid', target: 'fixtures/inventories/malformed-line.ndjson', line: 3, fatal: true }),
    ]);
    expect(document.summary.resources).toBe(2);
    const text = runCli(['scan', '--input', 'fixtures/inventories/malformed-line.ndjson', '--format', 'text']);
    expect(text.stdout).toMatch(/fixtures\/inventories\/malformed-line\.ndjson:3:\d+  input-invalid  malformed JSON record/);
    expect(text.stdout + text.stderr).not.toMatch(/\n\s+at /);
  });

  test('one bad input never hides the findings of another', () => {
    const result = runCli([
      'scan',
      '-i',
      'fixtures/inventories/malformed-line.ndjson',
      '-i',
      'fixtures/inventories/three-vaults.json',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(2);
    const names = parse(result.stdout).findings.map((f) => f.resource.name);
    expect(names).toContain('kv-no-purge');
  });

  test('records that cannot be evaluated make the scan incomplete: exit 3', () => {
    const result = runCli(['scan', '--input', 'fixtures/inventories/record-without-type.json', '--format', 'json']);
    expect(result.code).toBe(3);
    const document = parse(result.stdout);
    expect(document.scan.errors.map((e) => [e.code, e.line])).toEqual([
      ['record-invalid', 3],
      ['record-invalid', 4],
    ]);
  });

  test('an empty inventory proves nothing: exit 3', () => {
    const result = runCli(['scan', '--input', 'fixtures/inventories/empty-array.json', '--format', 'json']);
    expect(result.code).toBe(3);
    expect(parse(result.stdout).scan.errors.map((e) => e.code)).toEqual(['input-empty']);
  });

  test('a missing input file exits 2', () => {
    const result = runCli(['scan', '--input', 'fixtures/inventories/nope.json', '--format', 'json']);
    expect(result.code).toBe(2);
    expect(parse(result.stdout).scan.errors[0]).toEqual(expect.objectContaining({ code: 'input-unreadable', fatal: true }));
  });

  test('an unknown value is a finding with status unknown, and gates like a failure', () => {
    const result = runCli(['scan', '--input', 'fixtures/inventories/one-unknown.json', '--format', 'json']);
    expect(result.code).toBe(1);
    const document = parse(result.stdout);
    expect(document.findings.map((f) => [f.ruleId, f.status])).toEqual([['keyvault.purge-protection', 'unknown']]);
    expect(document.findings[0]!.message).toMatch(/properties\.enablePurgeProtection is not known/);
  });

  test('parameters: --param and keyscope.yaml override defaults; exclusions apply', () => {
    const strict = runCli(['scan', '-i', example, '--config', 'fixtures/config/strict.keyscope.yaml', '--format', 'json']);
    const ids = parse(strict.stdout).findings.map((f) => `${f.ruleId} ${f.resource.name}`);
    expect(ids).not.toContain('key.kek-operations app-key');
    expect(ids).toContain('key.rsa-minimum-size app-key');
    const viaFlag = runCli(['scan', '-i', example, '--param', 'key.rsa-minimum-size.minimumBits=4096', '--format', 'json']);
    const sized = parse(viaFlag.stdout)
      .findings.filter((f) => f.ruleId === 'key.rsa-minimum-size')
      .map((f) => f.resource.name);
    expect(sized).toEqual(['app-key', 'cmk-storage']);
  });

  test('bad parameters and configuration exit 2 with a position', () => {
    const typed = runCli(['scan', '-i', example, '--config', 'fixtures/config/bad-parameter.keyscope.yaml']);
    expect(typed.code).toBe(2);
    expect(typed.stderr).toMatch(
      /bad-parameter\.keyscope\.yaml:3:5  config-invalid  key\.rsa-minimum-size\.minimumBits: expected an integer, got "lots"/,
    );
    const unknownKey = runCli(['scan', '-i', example, '--config', 'fixtures/config/unknown-key.keyscope.yaml']);
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toMatch(
      /unknown-key\.keyscope\.yaml:2:1  config-invalid  unknown key 'failon' in the document \(did you mean 'failOn'\?\)/,
    );
    const flag = runCli(['scan', '-i', example, '--param', 'key.rsa-minimum-size.minimumBytes=3']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/rule 'key\.rsa-minimum-size' has no parameter 'minimumBytes' \(its parameters: minimumBits\)/);
  });

  test('usage errors exit 2', () => {
    expect(runCli(['scan']).code).toBe(2);
    expect(runCli(['scan', '-i', example, '--format', 'xml']).code).toBe(2);
    expect(runCli(['scan', '-i', example, '--fail-on', 'severe']).code).toBe(2);
    expect(runCli(['scan', '--bogus']).code).toBe(2);
  });

  test('several outputs from one scan', async () => {
    const result = await runInProcess(['scan', '-i', example, '--output', 'json=out/findings.json', '--output', 'text=out/report.txt']);
    expect(result.code).toBe(1);
    const files = [...result.files.keys()].map((file) => file.slice(root.length + 1));
    expect(files).toEqual(['out/findings.json', 'out/report.txt']);
    expect(parse(result.files.get(`${root}/out/findings.json`)!).findings).toHaveLength(20);
    expect(result.files.get(`${root}/out/report.txt`)).toMatch(/^Summary {2}17 resources, 75 rules: 20 fail, 0 unknown/m);
  });

  test('text output groups findings by rule, without colour when not a terminal', () => {
    const result = runCli(['scan', '-i', example, '--format', 'text']);
    expect(result.stdout).not.toMatch(/\u001b\[/);
    expect(result.stdout).toMatch(/^HIGH {5}keyvault\.purge-protection {2}Key vaults have purge protection enabled {2}\(1 fail\)$/m);
    expect(result.stdout).toMatch(/^ {14}properties\.enablePurgeProtection is not set \(expected equals true\)$/m);
    expect(result.stdout).toMatch(/^ {14}at examples\/inventory\.json:25$/m);
  });
});

/** Runs the CLI with its standard output read by nobody: the reader closes the pipe before keyscope writes. */
function withClosedStdout(args: readonly string[]): { status: number; stderr: string } {
  const quoted = [process.execPath, cliPath, ...args].map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(' ');
  const result = spawnSync('bash', ['-c', `${quoted} | (exec 0<&-; sleep 1); echo "status=\${PIPESTATUS[0]}" >&2`], {
    cwd: root,
    encoding: 'utf8',
  });
  const status = /status=(\d+)/.exec(result.stderr);
  return { status: status ? Number(status[1]) : -1, stderr: result.stderr.replace(/status=\d+\n?/, '') };
}

describe('standard output closed by its reader', () => {
  test('help is dropped quietly: exit 0, nothing on stderr', () => {
    expect(withClosedStdout(['scan', '--help'])).toEqual({ status: 0, stderr: '' });
  });

  test('a scan keeps its own exit status (the gate), not a crash', () => {
    expect(withClosedStdout(['scan', '--input', example, '--format', 'json', '--quiet'])).toEqual({ status: 1, stderr: '' });
  });
});

describe('keyscope rules', () => {
  test('list names every built-in rule', () => {
    const result = runCli(['rules', 'list', '--format', 'json']);
    const list = JSON.parse(result.stdout) as { id: string }[];
    expect(list).toHaveLength(75);
    expect(list.map((rule) => rule.id)).toContain('keyvault.purge-protection');
  });

  test('show prints a rule and suggests a near miss', () => {
    expect(runCli(['rules', 'show', 'keyvault.purge-protection']).stdout).toMatch(/Azure Policy 0b60c0b2-2dc2-4e1c-b5c9-abbed971de53/);
    const miss = runCli(['rules', 'show', 'keyvault.purge-protectio']);
    expect(miss.code).toBe(2);
    expect(miss.stderr).toMatch(/did you mean 'keyvault\.purge-protection'\?/);
  });

  test('test runs the examples of user rules: 0 when they behave, 1 when one does not', () => {
    const good = runCli(['rules', 'test', 'fixtures/rules/valid-custom']);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^2 passed, 0 failed$/m);
    const bad = runCli(['rules', 'test', 'fixtures/rules/failing-example']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/example 'soft delete on, filed as a failure by mistake' .*: expected fail, got pass/);
  });

  test('every command has --help with an example', () => {
    for (const args of [['scan'], ['rules', 'list'], ['rules', 'show'], ['rules', 'test']]) {
      const result = runCli([...args, '--help']);
      expect([args, result.code]).toEqual([args, 0]);
      expect(result.stdout).toMatch(/Example/);
    }
  });
});
