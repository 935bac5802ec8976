# web-ingress: opens a group to web traffic, one cloud rule per port and
# address range, on any of the five clouds. Its tests (tests/) run with
# `terraform test` against mockcloud; see docs/guides/testing-modules-with-mockcloud.md.
terraform {
  required_providers {
    secgroup = { source = "secgroup/secgroup" }
  }
}

variable "cloud" {
  description = "The cloud of the group: zenlayer, alicloud, baiducloud, apsarastack or ens."
  type        = string
}

variable "security_group_id" {
  description = "The group to open."
  type        = string
}

variable "ports" {
  description = "The TCP ports to open."
  type        = list(number)
  default     = [80, 443]

  validation {
    condition     = alltrue([for p in var.ports : p >= 1 && p <= 65535])
    error_message = "Ports are 1 to 65535."
  }
}

variable "cidrs" {
  description = "The address ranges to open them to."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

resource "secgroup_rule_set" "web" {
  cloud             = var.cloud
  security_group_id = var.security_group_id
  rules = { for pair in setproduct(var.ports, var.cidrs) : "tcp ${pair[0]} from ${pair[1]}" => {
    direction   = "ingress"
    protocol    = "tcp"
    port_range  = tostring(pair[0])
    cidr        = pair[1]
    description = "web-ingress"
  } }
}

output "rule_ids" {
  description = "Each rule's id, by \"tcp PORT from CIDR\"."
  value       = secgroup_rule_set.web.rule_ids
}
