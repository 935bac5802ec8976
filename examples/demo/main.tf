# The demo's configuration: rules on the mock cloud that `make demo` starts.
# Only the endpoint and the mock's documented credentials differ from a
# real deployment.
terraform {
  required_providers {
    secgroup = {
      source = "secgroup/secgroup"
    }
  }
}

variable "endpoint" {
  type = string
}

provider "secgroup" {
  alicloud {
    access_key = "mock-access-key"
    secret_key = "mock-secret-key"
    region     = "cn-hangzhou"
    endpoint   = var.endpoint
  }
  zenlayer {
    access_key = "mock-access-key"
    secret_key = "mock-secret-key"
    endpoint   = var.endpoint
  }
  baiducloud {
    access_key = "mock-access-key"
    secret_key = "mock-secret-key"
    region     = "bj"
    endpoint   = var.endpoint
  }
  apsarastack {
    access_key      = "mock-access-key"
    secret_key      = "mock-secret-key"
    region          = "cn-qingdao-env17-d01"
    endpoint        = var.endpoint
    organization_id = "1"
  }
  ens {
    access_key = "mock-access-key"
    secret_key = "mock-secret-key"
    endpoint   = var.endpoint
  }
}

resource "secgroup_rule" "ssh" {
  cloud             = "alicloud"
  security_group_id = "sg-web"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "22"
  cidr              = "203.0.113.0/24"
  description       = "SSH from the office"
}

resource "secgroup_rule" "https_v6" {
  cloud             = "alicloud"
  security_group_id = "sg-web"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "443"
  cidr              = "2001:db8::/32"
}

resource "secgroup_rule" "db_from_app" {
  cloud                  = "alicloud"
  security_group_id      = "sg-db"
  direction              = "ingress"
  protocol               = "tcp"
  port_range             = "5432"
  peer_security_group_id = "sg-app"
}

resource "secgroup_rule" "no_smtp" {
  cloud             = "alicloud"
  security_group_id = "sg-web"
  direction         = "egress"
  protocol          = "tcp"
  port_range        = "25"
  cidr              = "0.0.0.0/0"
  policy            = "drop"
}

# The same intent on Zenlayer Cloud VM: its own wire format and signature,
# the same resource.
resource "secgroup_rule" "zl_ssh" {
  cloud             = "zenlayer"
  security_group_id = "zl-web"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "22"
  cidr              = "203.0.113.0/24"
  description       = "SSH from the office"
}

resource "secgroup_rule" "zl_ping" {
  cloud             = "zenlayer"
  security_group_id = "zl-web"
  direction         = "ingress"
  protocol          = "icmp"
  cidr              = "0.0.0.0/0"
  priority          = 10
}

# And on Baidu AI Cloud BCC: a group peer and an IPv6 range.
resource "secgroup_rule" "bcc_db_from_app" {
  cloud                  = "baiducloud"
  security_group_id      = "g-db"
  direction              = "ingress"
  protocol               = "tcp"
  port_range             = "5432"
  peer_security_group_id = "g-app"
  description            = "postgres from the app tier"
}

resource "secgroup_rule" "bcc_https_v6" {
  cloud             = "baiducloud"
  security_group_id = "g-web"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "443"
  cidr              = "2001:db8::/32"
}

# And on an Apsara Stack, through its gateway: ICMPv6 from an IPv6 range.
resource "secgroup_rule" "as_ping6" {
  cloud             = "apsarastack"
  security_group_id = "sg-as-web"
  direction         = "ingress"
  protocol          = "icmpv6"
  cidr              = "2001:db8::/32"
  description       = "ping6 from the lab"
}

# And at the edge, on ENS: HTTPS in, with a source port range.
resource "secgroup_rule" "ens_https" {
  cloud             = "ens"
  security_group_id = "sg-ens-web"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "443"
  cidr              = "0.0.0.0/0"
  source_port_range = "1024-65535"
}

data "secgroup_rules" "web" {
  cloud             = "alicloud"
  security_group_id = "sg-web"
  depends_on        = [secgroup_rule.ssh, secgroup_rule.https_v6, secgroup_rule.no_smtp]
}

data "secgroup_rules" "zl_web" {
  cloud             = "zenlayer"
  security_group_id = "zl-web"
  depends_on        = [secgroup_rule.zl_ssh, secgroup_rule.zl_ping]
}

output "web_rule_ids" {
  value = [for r in data.secgroup_rules.web.rules : r.id]
}

output "zl_web_rule_ids" {
  value = [for r in data.secgroup_rules.zl_web.rules : r.id]
}
