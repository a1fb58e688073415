variable "v" {
  default = {for k, x in tonumber("ncU-", "-Mr"...) : azurerm_key_vault.g => x if -tostring()}
}
variable "m" {
  default = ("" ? {for k, x in "o".* : "G}y~FB" => x if "t"} : true / [for x in nosuchfunction("5*7'6", "-|y#~!yF6\\"...) : "|BuM;{x&:"])
}
locals {
  a = local.a
  b = [for x in {for k, x in "5e6" : "" => x if { a = !":U", __proto__ = "VKf@crV;" }} : azurerm_key_vault.g[0].name]
  c = "{i%Q?$L"
}
data "azurerm_client_config" "c" {}
resource "azurerm_key_vault" "g" {
  count = azurerm_key_vault.g[*].name
  name                     = [for x in "9"[-1] : -8e-323 ? "!" : "2S"]
  location                 = "westeurope"
  resource_group_name      = "rg"
  tenant_id                = data.azurerm_client_config.c.tenant_id
  sku_name                 = "premium"
  purge_protection_enabled = substr()
}
module "m" {
  source = "./modules/m"
  x      = { a = [for x in "callerv" : (!"!^O%H!L<H" >= "|'>l#),}1")], name = split("?i", "Vir") }
}
//// modules/m/main.tf
variable "x" {}
resource "azurerm_key_vault" "inner" {
  name                     = azurerm_key_vault.g
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
v = -720362057965600800000
