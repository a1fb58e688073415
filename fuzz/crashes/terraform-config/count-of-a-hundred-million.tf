resource "azurerm_key_vault" "g" {
  count                    = 100000000
  name                     = "kv-${count.index}"
  location                 = "westeurope"
  resource_group_name      = "rg"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = "premium"
  purge_protection_enabled = true
}
