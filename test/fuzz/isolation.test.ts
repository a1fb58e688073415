/**
 * The last clause of issue 16's invariant: one hostile record, resource or
 * resource change changes no finding on any other resource. A fixed good
 * input is scanned alone and with one generated hostile member (of a type the
 * rules read, with hostile values and prototype keys, in a subscription and
 * under names nothing in the good input refers to); the good resources'
 * findings must be byte-for-byte the same.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fc, test as propTest } from '@fast-check/jest';
import { checkOutcome, root, runKeyscope } from '../../fuzz/harness.js';
import { expression } from '../../fuzz/targets.js';

interface Finding {
  ruleId: string;
  location?: unknown;
  status: string;
  resource: { id: string };
}

const HOSTILE_SUBSCRIPTION = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/** JSON values with the keys and values that have broken readers before. */
const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom('', '[concat(', '[[x]', "[parameters('nope')]", '\u0000', '\ud800', 1e308, -0, Number.MAX_SAFE_INTEGER + 2),
    fc.array(tie('value'), { maxLength: 3 }),
    fc
      .array(
        fc.tuple(
          fc.constantFrom('__proto__', 'constructor', 'prototype', 'keySource', 'encryption', 'keyVaultProperties', 'id', 'type'),
          tie('value'),
        ),
        {
          maxLength: 3,
        },
      )
      .map(
        (entries) => JSON.parse(`{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v ?? null)}`).join(',')}}`) as unknown,
      ),
  ),
})).value;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'keyscope-isolation-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Scans with the built-in rules; the findings on `good` resources as JSON lines, sorted. */
async function goodFindings(args: string[], good: (id: string) => boolean): Promise<string[]> {
  return (await scanGood(args, good)).findings;
}

/** The findings on `good` resources, with the exit code and stderr of the scan. */
async function scanGood(args: string[], good: (id: string) => boolean): Promise<{ findings: string[]; code: number; stderr: string }> {
  const outcome = await runKeyscope(['scan', ...args, '--format', 'json', '--quiet']);
  checkOutcome(outcome);
  const document = JSON.parse(outcome.stdout) as { findings: Finding[] };
  const findings = document.findings
    .filter((f) => good(f.resource.id.toLowerCase()))
    // Where a finding is in its file moves with the file and the hostile member inserted before it; all else must not.
    .map(({ location: _location, ...rest }) => JSON.stringify(rest))
    .sort();
  return { findings, code: outcome.code, stderr: outcome.stderr };
}

describe('one hostile member changes no finding on another resource', () => {
  const inventory = JSON.parse(readFileSync(path.join(root, 'examples/inventory.json'), 'utf8')) as { id: string; type: string }[];
  const goodIds = new Set(inventory.map((r) => r.id.toLowerCase()));
  const types = [...new Set(inventory.map((r) => r.type))];
  let alone: string[];

  propTest.prop(
    [
      fc.oneof(
        { weight: 1, arbitrary: hostileValue },
        {
          weight: 4,
          arbitrary: fc.record({
            type: fc.oneof(fc.constantFrom(...types), fc.string({ maxLength: 20 })),
            name: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
            properties: hostileValue,
            identity: hostileValue,
            sku: hostileValue,
            extra: hostileValue,
          }),
        },
      ),
      fc.nat(),
    ],
    { numRuns: 12, seed: 16 },
  )('the export reader: a hostile record among good ones', async (hostile, at) => {
    const file = path.join(dir, 'inventory.json');
    alone ??= await goodFindings(['--input', path.join(root, 'examples/inventory.json')], (id) => goodIds.has(id));
    const record =
      hostile !== null && typeof hostile === 'object' && 'type' in hostile
        ? {
            ...(hostile as Record<string, unknown>),
            id: `/subscriptions/${HOSTILE_SUBSCRIPTION}/resourceGroups/rg-hostile/providers/${String(hostile.type)}/hostile-${String((hostile as unknown as { name: unknown }).name)}`,
            subscriptionId: HOSTILE_SUBSCRIPTION,
            resourceGroup: 'rg-hostile',
          }
        : hostile;
    const records: unknown[] = [...inventory];
    records.splice(at % (records.length + 1), 0, record);
    writeFileSync(file, JSON.stringify(records));
    expect(await goodFindings(['--input', file], (id) => goodIds.has(id))).toEqual(alone);
  });

  const templateFile = path.join(root, 'fixtures/arm/relations/vault-key-storage.json');
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as { resources: Record<string, unknown>[] };
  let templateAlone: string[];
  const notHostile = (id: string): boolean => !id.includes('hostile');

  propTest.prop(
    [
      fc.record({
        type: fc.constantFrom(
          'Microsoft.KeyVault/vaults',
          'Microsoft.Storage/storageAccounts',
          'Microsoft.KeyVault/vaults/keys',
          'Microsoft.Resources/deployments',
          'Microsoft.Compute/disks',
        ),
        name: expression,
        property: expression,
        condition: fc.option(expression, { nil: undefined }),
        copyCount: fc.option(expression, { nil: undefined }),
        properties: hostileValue,
      }),
    ],
    { numRuns: 12, seed: 16 },
  )('the template expander: a hostile resource among good ones', async (hostile) => {
    templateAlone ??= await goodFindings(['--template', templateFile], notHostile);
    const resource: Record<string, unknown> = {
      type: hostile.type,
      apiVersion: '2023-07-01',
      name: `[concat('${hostile.type.split('/').length > 2 ? 'hostile-parent/' : ''}hostile-', string(${hostile.name})${hostile.copyCount === undefined ? '' : ", '-', string(copyIndex())"})]`,
      location: 'westeurope',
      properties: { hostile: hostile.properties, enablePurgeProtection: `[${hostile.property}]` },
      ...(hostile.condition === undefined ? {} : { condition: `[${hostile.condition}]` }),
      ...(hostile.copyCount === undefined ? {} : { copy: { name: 'hostileCopy', count: `[${hostile.copyCount}]` } }),
    };
    const file = path.join(dir, 'template.json');
    writeFileSync(file, JSON.stringify({ ...template, resources: [...template.resources, resource] }));
    const withIt = await scanGood(['--template', file], notHostile);
    // Azure rejects a whole template for one bad resource (a duplicate name, a copy count over 800): then nothing
    // of it is reported, with a located error and exit 2. Never different findings.
    if (withIt.code === 2 && withIt.findings.length === 0) expect(withIt.stderr).toMatch(/^\S*template\.json(:\d+:\d+)?  template-/m);
    else expect(withIt.findings).toEqual(templateAlone);
  });

  const planFile = path.join(root, 'fixtures/terraform/services.plan.json');
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { resource_changes: Record<string, unknown>[] };
  let planAlone: string[];

  propTest.prop(
    [
      fc.record({
        type: fc.constantFrom(
          'azurerm_key_vault',
          'azurerm_storage_account',
          'azurerm_key_vault_key',
          'azurerm_managed_disk',
          'azurerm_mssql_server',
          'azurerm_hostile',
        ),
        after: hostileValue,
        afterUnknown: hostileValue,
        actions: fc.constantFrom(['create'], ['update'], ['delete'], ['no-op'], ['create', 'delete'], 'create', null),
      }),
    ],
    { numRuns: 12, seed: 16 },
  )('the plan reader: a hostile resource change among good ones', async (hostile) => {
    planAlone ??= await goodFindings(['--plan', planFile], notHostile);
    const change = {
      address: `${hostile.type}.hostile`,
      mode: 'managed',
      type: hostile.type,
      name: 'hostile',
      provider_name: 'registry.terraform.io/hashicorp/azurerm',
      change: {
        actions: hostile.actions,
        before: null,
        after:
          hostile.after !== null && typeof hostile.after === 'object' && !Array.isArray(hostile.after)
            ? { name: 'hostile', ...hostile.after }
            : hostile.after,
        after_unknown: hostile.afterUnknown,
      },
    };
    const file = path.join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify({ ...plan, resource_changes: [...plan.resource_changes, change] }));
    expect(await goodFindings(['--plan', file], notHostile)).toEqual(planAlone);
  });
});
