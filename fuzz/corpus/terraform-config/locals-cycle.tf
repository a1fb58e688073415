locals {
  first  = "${local.second}-a"
  second = "${local.first}-b"
}

resource "azurerm_key_vault" "cycle" {
  name                     = local.first
  location                 = "westeurope"
  resource_group_name      = "rg-cycle"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = "standard"
  purge_protection_enabled = false
}
