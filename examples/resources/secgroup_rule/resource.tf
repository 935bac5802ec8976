# SSH from the office network into an ECS security group.
resource "secgroup_rule" "ssh" {
  cloud             = "alicloud"
  security_group_id = "sg-bp1fg655nh68xyz9i4fb"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "22"
  cidr              = "203.0.113.0/24"
  description       = "SSH from the office"
}

# HTTPS from an IPv6 range, with a lower priority.
resource "secgroup_rule" "https_v6" {
  cloud             = "alicloud"
  security_group_id = "sg-bp1fg655nh68xyz9i4fb"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "443"
  cidr              = "2001:db8::/32"
  priority          = 10
}

# Traffic from another security group of the same VPC.
resource "secgroup_rule" "from_app" {
  cloud                  = "alicloud"
  security_group_id      = "sg-bp1fg655nh68xyz9i4fb"
  direction              = "ingress"
  protocol               = "tcp"
  port_range             = "5432"
  peer_security_group_id = "sg-bp67acfmxazb4ph2yzbk"
}

# Block outgoing SMTP.
resource "secgroup_rule" "no_smtp" {
  cloud             = "alicloud"
  security_group_id = "sg-bp1fg655nh68xyz9i4fb"
  direction         = "egress"
  protocol          = "tcp"
  port_range        = "25"
  cidr              = "0.0.0.0/0"
  policy            = "drop"
  priority          = 1

  timeouts = {
    create = "5m"
    delete = "5m"
  }
}

# The same resource on Zenlayer Cloud VM: IPv4 only, accept rules, a
# priority from 1 to 100.
resource "secgroup_rule" "zenlayer_https" {
  cloud             = "zenlayer"
  security_group_id = "1234567890123456789"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "443"
  cidr              = "0.0.0.0/0"
  priority          = 10
}

# Baidu AI Cloud BCC: no policy or priority; the description (remark) is
# part of the rule's identity, so changing it replaces the rule.
resource "secgroup_rule" "baidu_db" {
  cloud                  = "baiducloud"
  security_group_id      = "g-nky7qeom"
  direction              = "ingress"
  protocol               = "tcp"
  port_range             = "5432"
  peer_security_group_id = "g-4mk1zf7a"
  description            = "postgres from the app tier"
}
