import { readFileSync } from 'node:fs';
import { renderMappingTables, withMappingTables } from '../../scripts/terraform-docs-render.js';
import { parseSteps } from '../../src/sources/terraform/attribute-path.js';
import type { PropertyMapping } from '../../src/sources/terraform/mapping-types.js';
import { commonProperties, extensionMappings, resourceMappings } from '../../src/sources/terraform/mappings/index.js';
import { root } from '../helpers.js';

const everyTable: [string, readonly PropertyMapping[]][] = [
  ['common', commonProperties],
  ...resourceMappings.map((m): [string, readonly PropertyMapping[]] => [m.terraform, m.properties]),
  ...extensionMappings.map((m): [string, readonly PropertyMapping[]] => [m.terraform, m.properties]),
];

const members = (path: string): number => parseSteps(path).filter((step) => step.kind === 'each').length;

describe('the Terraform mapping tables', () => {
  test.each(everyTable)('%s: every mapping reads an attribute or sets a constant, and its paths agree', (_type, properties) => {
    for (const mapping of properties) {
      const sources = mapping.from === undefined ? [] : typeof mapping.from === 'string' ? [mapping.from] : mapping.from;
      expect({ to: mapping.to, reads: sources.length > 0 || mapping.value !== undefined }).toEqual({ to: mapping.to, reads: true });
      expect(() => parseSteps(mapping.to)).not.toThrow();
      // `[*]` in a source pairs with the same `[*]` in the property it fills
      for (const source of sources) expect({ source, members: members(source) }).toEqual({ source, members: members(mapping.to) });
    }
  });

  test('each Terraform type has one table; an Azure type comes from several only where the provider splits it by OS or kind', () => {
    const terraform = [...resourceMappings, ...extensionMappings].map((m) => m.terraform);
    expect(new Set(terraform).size).toBe(terraform.length);
    const byAzure = new Map<string, string[]>();
    for (const m of resourceMappings) byAzure.set(m.azure, [...(byAzure.get(m.azure) ?? []), m.terraform]);
    expect(Object.fromEntries([...byAzure].filter(([, types]) => types.length > 1))).toEqual({
      'Microsoft.Compute/virtualMachines': ['azurerm_linux_virtual_machine', 'azurerm_windows_virtual_machine'],
      'Microsoft.Compute/virtualMachineScaleSets': [
        'azurerm_linux_virtual_machine_scale_set',
        'azurerm_windows_virtual_machine_scale_set',
        'azurerm_orchestrated_virtual_machine_scale_set',
      ],
      'Microsoft.HDInsight/clusters': [
        'azurerm_hdinsight_hadoop_cluster',
        'azurerm_hdinsight_hbase_cluster',
        'azurerm_hdinsight_interactive_query_cluster',
        'azurerm_hdinsight_kafka_cluster',
        'azurerm_hdinsight_spark_cluster',
      ],
    });
    for (const extension of extensionMappings) {
      for (const target of extension.target.types) expect(resourceMappings.map((m) => m.terraform)).toContain(target);
    }
  });

  test('docs/terraform.md shows the tables the scanner applies (node dist/scripts/terraform-docs.js)', () => {
    const document = readFileSync(`${root}/docs/terraform.md`, 'utf8');
    expect(document).toContain(renderMappingTables());
    expect(withMappingTables(document)).toBe(document);
  });
});
