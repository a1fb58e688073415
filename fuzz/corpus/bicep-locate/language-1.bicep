// Language version 1.0 output (no symbolic names): records are placed by type.
resource disk 'Microsoft.Compute/disks@2023-04-02' = {
  name: 'disk1'
  location: 'westeurope'
  properties: {
    creationData: {
      createOption: 'Empty'
    }
    diskSizeGB: 8
    encryption: {
      type: 'EncryptionAtRestWithPlatformKey'
    }
  }
}
//// main.json
{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Compute/disks",
      "apiVersion": "2023-04-02",
      "name": "disk1",
      "location": "westeurope",
      "properties": {
        "creationData": { "createOption": "Empty" },
        "diskSizeGB": 8,
        "encryption": { "type": "EncryptionAtRestWithPlatformKey" }
      }
    }
  ]
}
