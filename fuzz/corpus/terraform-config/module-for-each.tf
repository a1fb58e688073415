# A root module with a local module, variables from terraform.tfvars and a for_each over a map of vaults.
variable "environment" {
  type = string
}

variable "location" {
  type    = string
  default = "westeurope"
}

variable "vaults" {
  type = map(object({
    purge_protection = bool
  }))
  default = {}
}

locals {
  prefix = lower("kv-${var.environment}")
}

module "kv" {
  source   = "./modules/vault"
  vaults   = var.vaults
  prefix   = local.prefix
  location = var.location
}
//// modules/vault/main.tf
variable "vaults" {
  type = map(object({
    purge_protection = bool
  }))
}

variable "prefix" {
  type = string
}

variable "location" {
  type = string
}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "rg" {
  name     = "rg-${var.prefix}"
  location = var.location
}

resource "azurerm_key_vault" "this" {
  for_each                   = var.vaults
  name                       = format("%s-%s", var.prefix, each.key)
  location                   = var.location
  resource_group_name        = azurerm_resource_group.rg.name
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "premium"
  purge_protection_enabled   = each.value.purge_protection
  soft_delete_retention_days = 90
  rbac_authorization_enabled = true
}
//// terraform.tfvars
environment = "Prod"

vaults = {
  a = { purge_protection = false }
  b = { purge_protection = true }
  c = { purge_protection = false }
}
