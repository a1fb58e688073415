# count from a function, for_each over a set, try/can, splats and a conditional on a tfvars value.
variable "names" {
  type    = list(string)
  default = ["a", "b"]
}

variable "strict" {
  type    = bool
  default = false
}

locals {
  upper_names = toset([for n in var.names : upper(n)])
  purge       = try(var.strict ? true : tobool("no"), false)
  ids         = azurerm_key_vault.counted[*].id
}

resource "azurerm_key_vault" "counted" {
  count                    = length(var.names) > 5 ? 5 : length(var.names)
  name                     = "kv-${element(var.names, count.index)}-${count.index}"
  location                 = "westeurope"
  resource_group_name      = "rg"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = coalesce("", "standard")
  purge_protection_enabled = local.purge
}

resource "azurerm_key_vault" "each" {
  for_each                 = local.upper_names
  name                     = lower("kv-${each.key}")
  location                 = "westeurope"
  resource_group_name      = "rg"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = lookup({ A = "premium" }, each.value, "standard")
  purge_protection_enabled = can(jsondecode("{")) ? false : true
}
//// terraform.tfvars
names  = ["x", "y", "z"]
strict = true
