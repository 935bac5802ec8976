resource "secgroup_rule" "web" {
  for_each = {
    https = { port = "443", cidr = "0.0.0.0/0" }
    ssh   = { port = "22", cidr = "10.0.0.0/8" }
  }
  cloud             = "alicloud"
  security_group_id = "sg-bp1fg655nh68xyz9i4fb"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = each.value.port
  cidr              = each.value.cidr
}

# The group holds these rules and no others: each plan lists every other
# rule it would revoke, and apply revokes them.
resource "secgroup_rules_exclusive" "web" {
  cloud             = "alicloud"
  security_group_id = "sg-bp1fg655nh68xyz9i4fb"
  rule_ids          = [for r in secgroup_rule.web : r.id]

  # Rules another tool owns stay too (ids as secgroup_rule, the
  # secgroup_rules data source and terraform query give them).
  tolerated_rule_ids = ["alicloud/sg-bp1fg655nh68xyz9i4fb/sgr-bp1e2sq0s4ngx0m4rdkl"]
}
