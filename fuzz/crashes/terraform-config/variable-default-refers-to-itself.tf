variable "v" {
  default = {for k, x in [for x in 5.688722934651985e-156 : ""] : {  } => x if path.module}
}
variable "m" {
  default = var.m
}
locals {
  a = {  }
  b = !-629801664
  c = [for x in !":]71V$SX" ? "<C"[999999999] : "*4Wt4kIVk" : 32593448]
}
data "azurerm_client_config" "c" {}
resource "azurerm_key_vault" "g" {
  count = false
  name                     = var.m
  location                 = "westeurope"
  resource_group_name      = "rg"
  tenant_id                = data.azurerm_client_config.c.tenant_id
  sku_name                 = "premium"
  purge_protection_enabled = -{ a = "Vts", name = "Im`G", a = (toset("Ro!xN", {for k, x in "kW!V`[<^" : [for x in "" : ""] => x if "kX4q("}, "@M\"_B;"...) == "'\"ZO^k2ey".*) }
}
module "m" {
  source = "./modules/m"
  x      = "q"
}
//// modules/m/main.tf
variable "x" {}
resource "azurerm_key_vault" "inner" {
  name                     = each.value
  location                 = "westeurope"
  resource_group_name      = "rg"
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = var.x
  purge_protection_enabled = true
}
output "out" {
  value = var.x
}
//// terraform.tfvars
v = [for x in "E8-" : "S>5u!"] ? "nCoD7bXqg" : "v%S#`*3w"[999999999]
