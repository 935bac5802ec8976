# Every ingress rule of a group, with the id `terraform import` takes.
data "secgroup_rules" "web" {
  cloud             = "alicloud"
  security_group_id = "sg-bp1fg655nh68xyz9i4fb"
  direction         = "ingress"
}

output "web_ingress_import_ids" {
  value = [for r in data.secgroup_rules.web.rules : r.id]
}
