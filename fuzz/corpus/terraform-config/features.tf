# count over a known number, a conditional block, a for expression, functions, a data source (unknown), --var values.
variable "replicas" {
  type    = number
  default = 2
}

variable "cmk" {
  type    = bool
  default = true
}

variable "purge" {
  type    = bool
  default = false
}

locals {
  names = [for i in range(3) : "unused-${i}"]
  tags  = merge({ owner = "platform" }, { env = "test" })
}

data "azurerm_key_vault_key" "cmk" {
  name         = "cmk"
  key_vault_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-cmk"
}

resource "azurerm_storage_account" "counted" {
  count                    = var.replicas
  name                     = format("st%02d", count.index)
  resource_group_name      = "rg-features"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
  tags                     = local.tags

  dynamic "customer_managed_key" {
    for_each = var.cmk && count.index == 0 ? [1] : []
    content {
      key_vault_key_id          = data.azurerm_key_vault_key.cmk.id
      user_assigned_identity_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id"
    }
  }
}

resource "azurerm_key_vault" "flagged" {
  name                     = join("-", ["kv", upper("x"), tostring(length(local.names))])
  location                 = "westeurope"
  resource_group_name      = "rg-features"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = lookup({ a = "standard" }, "b", "premium")
  purge_protection_enabled = var.purge ? true : tobool("false")
  access_policy            = []
}
