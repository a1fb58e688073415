variable "v" {
  default = var.v
}
variable "m" {
  default = {for k, x in "y!Ur" : {for k, x in "8/<<`" : "#xn=|!" => x if range("9RW&#$,", "18cje"...)} => x if "\\$"} ? "" : "F\"" ? {for k, x in "\\z$" : {for k, x in "" : self => x if "^ap"} => x if "e%sx"} : "$Cm"
}
locals {
  a = { __proto__ = "LUInZeJox", name = "QQbswz" } ? {for k, x in "hSw|#f3}" : [for x in "b\"'FM" : ("u({L" - "")] => x if flatten("qy|'{", ""...)} : { name = "", constructor = "\\w{x4tM" }
  b = -999999987
  c = min(jsondecode("ttss", "1_Xy!nd9\"A", "k>Ts><i\\E3"), "9vy:Wr"[0], ": F HDkQ")
}
data "azurerm_client_config" "c" {}
resource "azurerm_key_vault" "g" {
  for_each = [{  }]
  name                     = {for k, x in trimspace("r@5"[999999999], "", [for x in -"KuI$" : {for k, x in "V3" : "O-\\.%2b" => x if "u 6"}[-1]]...) : "" => x if { constructor = -12105237, constructor = "key" }}
  location                 = "westeurope"
  resource_group_name      = "rg"
  tenant_id                = data.azurerm_client_config.c.tenant_id
  sku_name                 = "premium"
  purge_protection_enabled = -7.5025180206758e-132
}
module "m" {
  source = "./modules/m"
  x      = "${var.v}-${local.a}"
}
//// modules/m/main.tf
variable "x" {}
resource "azurerm_key_vault" "inner" {
  name     ault" "inner" {
  name     ault" "inner" {
  name     ault" "inner" {
  name     ault"񟟜"inner" {
  name     ault" "inner" {
  name     ault" "inner" {
  name     ault" "inner" {
  name     ault"" {
  name     ault" "inner" {
  name     ault" "inner" {
  name     ault" "inner" {
  name     ault" "inner" {
  name     ault" "inner" {
  name                     = [432101357, " Gc#1", {for k, x in "RU,wrs" : "`9&"[-1] => x if "f^-"}]
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
v = !"".*
