# Every rule of one group (terraform query, Terraform 1.14+).
list "secgroup_rule" "web" {
  provider         = secgroup
  include_resource = true

  config {
    cloud             = "alicloud"
    security_group_id = "sg-bp1fg655nh68xyz9i4fb"
  }
}

# Only the inbound SSH rules of another group.
list "secgroup_rule" "db_ssh" {
  provider = secgroup

  config {
    cloud             = "baiducloud"
    security_group_id = "g-4m8zq2tu8p2k"
    direction         = "ingress"
    protocol          = "tcp"
  }
}
