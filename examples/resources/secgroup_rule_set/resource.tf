locals {
  cdn_ranges = ["203.0.113.0/24", "198.51.100.0/24", "2001:db8::/32"]
}

# One resource for the whole list: each range is its own cloud rule, and
# adding or removing a range authorizes or revokes that rule alone.
resource "secgroup_rule_set" "cdn" {
  cloud             = "alicloud"
  security_group_id = "sg-bp1fg655nh68xyz9i4fb"
  rules = { for c in local.cdn_ranges : "https ${c}" => {
    direction   = "ingress"
    protocol    = "tcp"
    port_range  = "443"
    cidr        = c
    description = "CDN"
  } }
}

# The set's rules, kept by an exclusive resource: every other rule of the
# group is revoked (by the apply after the one that creates it; import it to
# revoke at once, see secgroup_rules_exclusive).
resource "secgroup_rules_exclusive" "web" {
  cloud             = "alicloud"
  security_group_id = "sg-bp1fg655nh68xyz9i4fb"
  rule_ids          = values(secgroup_rule_set.cdn.rule_ids)
}
