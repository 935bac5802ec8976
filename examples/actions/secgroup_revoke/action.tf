# Incident: the partner range 203.0.113.0/24 leaked. Every rule that lets it
# reach SSH, in the web and database groups of two clouds, must go now.
#
#   terraform plan  -invoke=action.secgroup_revoke.partner_leak   # lists, writes nothing
#   terraform apply -invoke=action.secgroup_revoke.partner_leak   # revokes, rule by rule
#
# Then remove from the configuration the secgroup_rule resources whose
# rules it revoked: while they are declared, the next apply creates them
# again.
action "secgroup_revoke" "partner_leak" {
  config {
    groups = [
      { cloud = "alicloud", security_group_id = "sg-bp1fg655nh68xyz9i4fb" },
      { cloud = "alicloud", security_group_id = "sg-bp67acfmxazb4p1q2w3e" },
      { cloud = "zenlayer", security_group_id = "1715148946406000401" },
    ]
    network   = "203.0.113.0/24"
    protocol  = "tcp"
    port      = 22
    direction = "ingress"
    # Rules open to every address (0.0.0.0/0) are left by default; a rule
    # allowing 203.0.0.0/16 lets the range in too and is revoked. Narrow
    # further with widest_prefix_length = 20, say.
  }
}

# The same action run by an ordinary apply: recording a leaked range as a
# resource revokes what lets it in, once the resource is created.
resource "terraform_data" "leaked_range" {
  input = "198.51.100.0/24"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.secgroup_revoke.leaked_range]
    }
  }
}

action "secgroup_revoke" "leaked_range" {
  config {
    groups = [
      { cloud = "baiducloud", security_group_id = "g-4m8zq2tu8p2k" },
      { cloud = "ens", security_group_id = "sg-5ql3mtg7ihhpyz7dovr9" },
    ]
    network = terraform_data.leaked_range.output
  }
}
