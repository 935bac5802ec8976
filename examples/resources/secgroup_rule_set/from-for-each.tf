# The way over from for_each over secgroup_rule, without touching the cloud
# (Terraform 1.7+): import the set by the rules' content, built from the same
# list, and forget the old resources. The plan shows the import and the keys
# renamed to yours; the apply writes nothing.
import {
  to = secgroup_rule_set.cdn
  id = "alicloud/sg-bp1fg655nh68xyz9i4fb/${join(";", [for c in local.cdn_ranges : "ingress,tcp,443,${c}"])}"
}

removed {
  from = secgroup_rule.cdn # was: for_each = toset(local.cdn_ranges)
  lifecycle {
    destroy = false
  }
}
