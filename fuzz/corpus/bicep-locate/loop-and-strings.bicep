// A loop of vaults, strings with interpolation and escapes, multi-line strings, comments and decorators.
@description('How many vaults.')
param count int = 2

/* resource fake 'Microsoft.KeyVault/vaults@2023-07-01' = { */
var note = 'a brace ${'{'} and a quote \' and ${count}'
var text = '''
}} resource alsoFake 'x@1' = {
'''

@batchSize(1)
resource vaults 'Microsoft.KeyVault/vaults@2023-07-01' = [for i in range(0, count): {
  name: 'kv-${i}'
  location: 'westeurope'
  tags: {
    note: note
    'text-tag': text
  }
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'premium' }
    enablePurgeProtection: i == 0
    accessPolicies: [
      {
        objectId: '1'
      }
    ]
  }
}]

resource existingVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv-old'
}
//// main.json
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "count": { "type": "int", "defaultValue": 2 }
  },
  "variables": {
    "note": "[format('a brace {0} and a quote '' and {1}', '{', parameters('count'))]",
    "text": "}} resource alsoFake 'x@1' = {\n"
  },
  "resources": {
    "existingVault": {
      "existing": true,
      "type": "Microsoft.KeyVault/vaults",
      "apiVersion": "2023-07-01",
      "name": "kv-old"
    },
    "vaults": {
      "copy": { "name": "vaults", "count": "[length(range(0, parameters('count')))]", "mode": "serial", "batchSize": 1 },
      "type": "Microsoft.KeyVault/vaults",
      "apiVersion": "2023-07-01",
      "name": "[format('kv-{0}', range(0, parameters('count'))[copyIndex()])]",
      "location": "westeurope",
      "tags": { "note": "[variables('note')]", "text-tag": "[variables('text')]" },
      "properties": {
        "tenantId": "[subscription().tenantId]",
        "sku": { "family": "A", "name": "premium" },
        "enablePurgeProtection": "[equals(range(0, parameters('count'))[copyIndex()], 0)]",
        "accessPolicies": [ { "objectId": "1" } ]
      }
    }
  }
}
