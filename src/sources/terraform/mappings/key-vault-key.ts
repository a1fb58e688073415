import type { PropertyMapping, ResourceMapping } from '../mapping-types.js';

/** What a Key Vault key and a Managed HSM key share. */
export const keyProperties: readonly PropertyMapping[] = [
  { to: 'properties.kty', from: 'key_type', note: '`RSA`, `RSA-HSM`, `EC`, `EC-HSM` (`oct-HSM` on Managed HSM), as Key Vault spells them' },
  { to: 'properties.keySize', from: 'key_size' },
  {
    to: 'properties.curveName',
    from: 'curve',
    note: 'computed: unknown until apply when an EC key leaves it unset (Key Vault picks P-256)',
  },
  { to: 'properties.keyOps', from: 'key_opts', convert: 'key-operations' },
  { to: 'properties.attributes.enabled', value: true, note: 'the provider always creates keys enabled' },
  { to: 'properties.attributes.exp', from: 'expiration_date', convert: 'epoch-seconds' },
  { to: 'properties.attributes.nbf', from: 'not_before_date', convert: 'epoch-seconds' },
  { to: 'properties.rotationPolicy', from: 'rotation_policy', convert: 'key-rotation-policy' },
];

export const keyVaultKey: ResourceMapping = {
  terraform: 'azurerm_key_vault_key',
  azure: 'Microsoft.KeyVault/vaults/keys',
  id: {
    kind: 'child',
    parent: { attribute: 'key_vault_id', types: ['azurerm_key_vault'], provider: 'Microsoft.KeyVault/vaults' },
    segment: 'keys',
  },
  idAttribute: 'resource_versionless_id',
  source: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/key_vault_key',
  properties: keyProperties,
  notes: ['The Terraform `id` of a key is its data-plane URL; the Azure resource id is `resource_versionless_id`.'],
};
