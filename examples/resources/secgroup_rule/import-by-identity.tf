# Terraform 1.12+ (and OpenTofu 1.12+): name the rule by its identity.
import {
  to = secgroup_rule.ssh
  identity = {
    cloud             = "alicloud"
    security_group_id = "sg-bp1fg655nh68xyz9i4fb"
    rule              = "sgr-bp67acfmxazb4p1q2w3e"
  }
}

# ENS has no rule ids: its identity names the rule by content.
import {
  to = secgroup_rule.edge_ssh
  identity = {
    cloud             = "ens"
    security_group_id = "sg-5p1fg655nh68xyz9i4fb"
    rule              = "ingress,tcp,22,10.0.0.0/8,policy=accept,priority=1"
  }
}
