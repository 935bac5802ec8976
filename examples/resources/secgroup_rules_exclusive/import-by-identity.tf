# Terraform 1.12+ (and OpenTofu 1.12+): name the group by its identity.
import {
  to = secgroup_rules_exclusive.web
  identity = {
    cloud             = "alicloud"
    security_group_id = "sg-bp1fg655nh68xyz9i4fb"
  }
}
