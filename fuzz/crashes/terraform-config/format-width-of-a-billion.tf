# A format width of a billion, a precision toFixed rejects, a pattern that backtracks exponentially in JavaScript.
resource "azurerm_key_vault" "g" {
  name                     = format("%999999999s", "x")
  location                 = format("%.200f", 1)
  resource_group_name      = replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "/(a+)+$/", "b")
  tenant_id                = "00000000-0000-0000-0000-000000000000"
  sku_name                 = "premium"
  purge_protection_enabled = true
}
