// A vault with a parameter, and a local module deploying a storage account.
param purge bool = false

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-fuzz'
  location: 'westeurope'
  properties: {
    tenantId: '00000000-0000-0000-0000-000000000000'
    sku: {
      family: 'A'
      name: 'standard'
    }
    enablePurgeProtection: purge
  }
}

module store 'modules/store.bicep' = {
  name: 'store'
  params: {
    accountName: 'stfuzz'
  }
}
//// modules/store.bicep
param accountName string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: accountName
  location: 'westeurope'
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    encryption: {
      keySource: 'Microsoft.Storage'
    }
  }
}
//// main.json
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "purge": { "type": "bool", "defaultValue": false }
  },
  "resources": {
    "vault": {
      "type": "Microsoft.KeyVault/vaults",
      "apiVersion": "2023-07-01",
      "name": "kv-fuzz",
      "location": "westeurope",
      "properties": {
        "tenantId": "00000000-0000-0000-0000-000000000000",
        "sku": { "family": "A", "name": "standard" },
        "enablePurgeProtection": "[parameters('purge')]"
      }
    },
    "store": {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "store",
      "properties": {
        "expressionEvaluationOptions": { "scope": "inner" },
        "mode": "Incremental",
        "parameters": { "accountName": { "value": "stfuzz" } },
        "template": {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "languageVersion": "2.0",
          "contentVersion": "1.0.0.0",
          "parameters": { "accountName": { "type": "string" } },
          "resources": {
            "account": {
              "type": "Microsoft.Storage/storageAccounts",
              "apiVersion": "2023-05-01",
              "name": "[parameters('accountName')]",
              "location": "westeurope",
              "kind": "StorageV2",
              "sku": { "name": "Standard_LRS" },
              "properties": { "encryption": { "keySource": "Microsoft.Storage" } }
            }
          }
        }
      }
    }
  }
}
