# Fixture: the configuration behind plan.json, so findings point at lines here.
provider "azurerm" {
  features {}
  subscription_id = "3f2a5c1e-8d4b-4e0a-9c7f-1b2d3e4f5a6b"
}

resource "azurerm_key_vault" "main" {
  name                = "kv-located"
  location            = "westeurope"
  resource_group_name = "rg-located"
  tenant_id           = "72f988bf-86f1-41af-91ab-2d7cd011db47"
  sku_name            = "premium"

  enable_rbac_authorization = true
  purge_protection_enabled  = false # the line a finding must point at
  access_policy             = []

  tags = {
    owner = "payments" # a brace } inside a comment must not end the block
    note  = "braces { in strings } too"
  }
}

resource "azurerm_storage_account" "logs" {
  name                     = "stlocatedlogs"
  resource_group_name      = "rg-located"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "GRS"

  identity {
    type         = "UserAssigned"
    identity_ids = [var.identity_id]
  }

  lifecycle {
    ignore_changes = [customer_managed_key]
  }
}

resource "azurerm_storage_account_customer_managed_key" "logs" {
  storage_account_id = azurerm_storage_account.logs.id
  key_vault_id       = azurerm_key_vault.main.id
  key_name           = <<-EOT
    cmk-logs
  EOT
  user_assigned_identity_id = var.identity_id
}

module "vault" {
  source = "./modules/vault"
}

module "registry" {
  source  = "Azure/avm-res-containerregistry-registry/azurerm"
  version = "0.4.0"
}

variable "identity_id" {
  type    = string
  default = "/subscriptions/3f2a5c1e-8d4b-4e0a-9c7f-1b2d3e4f5a6b/resourceGroups/rg-identity/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-storage"
}
