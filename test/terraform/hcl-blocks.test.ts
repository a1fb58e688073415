import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { scanResourceBlocks } from '../../src/sources/terraform/hcl-blocks.js';
import { hasShared, sharedDir } from '../helpers.js';

const TRICKY = `# resource "fake" "in_a_comment" {
/* resource "fake" "in_a_block_comment" { */
resource "azurerm_key_vault" "a" {
  name = "kv" // a closing brace } in a comment
  tags = { a = "}", b = "\${var.x} {" }
  policy = <<EOT
resource "fake" "in_a_heredoc" {
EOT
  nested {
    inner = [1, 2,
      3]
  }
  nested {
    inner = 2
  }
  timeouts { create = "1h" }
  dynamic "access_policy" {
    for_each = var.policies
    content { key_permissions = ["Get"] }
  }
  count_eq = var.a == var.b ? 1 : 0
}
data "azurerm_client_config" "c" {}
resource aws_instance bare {
  ami = "ami-123"
}
`;

describe('scanResourceBlocks', () => {
  test('finds resource blocks and the lines of their arguments, past comments, strings, heredocs and nesting', () => {
    const blocks = scanResourceBlocks(TRICKY);
    expect([...blocks.keys()]).toEqual(['azurerm_key_vault.a', 'aws_instance.bare']);
    const vault = blocks.get('azurerm_key_vault.a')!;
    expect({ line: vault.line, column: vault.column }).toEqual({ line: 3, column: 1 });
    expect(Object.fromEntries([...vault.points].map(([key, point]) => [key, `${point.line}:${point.column}`]))).toEqual({
      name: '4:3',
      tags: '5:3',
      policy: '6:3',
      nested: '9:3',
      'nested[0]': '9:3',
      'nested[0].inner': '10:5',
      'nested[1]': '13:3',
      'nested[1].inner': '14:5',
      timeouts: '16:3',
      'timeouts[0]': '16:3',
      'timeouts[0].create': '16:14',
      access_policy: '17:3',
      count_eq: '21:3',
    });
    expect([...blocks.get('aws_instance.bare')!.points.keys()]).toEqual(['ami']);
  });

  test('an unterminated file ends its blocks without throwing', () => {
    expect([...scanResourceBlocks('resource "azurerm_key_vault" "open" {\n  name = "x"\n  tags = {\n').keys()]).toEqual([
      'azurerm_key_vault.open',
    ]);
  });

  (hasShared ? test : test.skip)("finds every resource block in the peers' Terraform configurations (../shared)", () => {
    const root = path.join(sharedDir, 'reference', 'peer-fixtures', 'tf');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.tf')) files.push(full);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const headers = [...text.matchAll(/^resource\s+"([^"]+)"\s+"([^"]+)"/gm)].map((m) => `${m[1]}.${m[2]}`);
      expect({ file, blocks: [...scanResourceBlocks(text).keys()] }).toEqual({ file, blocks: [...new Set(headers)] });
    }
  });
});
