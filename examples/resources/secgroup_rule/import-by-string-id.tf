import {
  to = secgroup_rule.ssh
  id = "alicloud/sg-bp1fg655nh68xyz9i4fb/ingress,tcp,22,203.0.113.0/24"
}
