variable "v" {
  default = {for k, x in [for x in ("" < "Wv") : "`"].name : { __proto__ = "w.zw" } => x if ![for x in "hU0" : "l%]74>qs4"]}
}
variable "m" {
  default = {for k, x in "" ? "c" : {for k, x in "&dkcal" : "" => x if can()} : { k = "", constructor = "]", __proto__ = {for k, x in { __proto__ = ":" } : "XrFJ" => x if ")*Feej(Dz"} } ? ",DP4" : "\" " => x if [for x in "$b" ? "&|%b&" : "Ge{Qq^,{L" : file("cyi7[vPS,6") ? 840340171 : ["'$I4"]]}
}
locals {
  a = toset(-3.3105537673052856e-242, [for x in "," : "<*.-k\\wZ%"], "dYBUw"...)
  b = "_Ux=?<"
  c = distinct("", "IZ").*
}
data "azurerm_client_config" "c" {}
resource "azurerm_key_vault" "g" {
  count = (each.key || local.c)
  name                     = lookup()
  location                 = "westeurope"
  resource_group_name      = "rg"
  tenant_id                = data.azurerm_client_config.c.tenant_id
  sku_name                 = "premium"
  purge_protection_enabled = []
}
module "m" {
  source = "./modules/m"
  x      = { k = module.m }
}
//// modules/m/main.tf
variable "x" {}
resource "azurerm_key_vault" "inner" {
  name                     = [for x in "k" : { a = "6lYkT17Fq-", name = "Enn~r" }]
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
v = [2.6203990389098355e+237]
