# A CI runner, whose address changes every run, opens the database's
# security group to itself for the length of one run: the rule is
# authorized when the run starts using it, revoked when the run closes it,
# and never written to state.

variable "runner_ip" {
  description = "This run's public address, from the CI's environment (TF_VAR_runner_ip)."
  type        = string
}

variable "db_password" {
  type      = string
  sensitive = true
}

ephemeral "secgroup_rule" "ci_db" {
  cloud             = "alicloud"
  security_group_id = "sg-bp1db00000000000000"
  direction         = "ingress"
  protocol          = "tcp"
  port_range        = "5432"
  cidr              = "${var.runner_ip}/32"
  description       = "ci runner"
  # How long the rule may outlive a run that is killed before it closes
  # the rule (renewed while the run goes on, on ECS and Apsara Stack).
  duration = "1h"
}

# The database provider is configured only once the rule is open: its
# configuration refers to the ephemeral rule, so Terraform opens the rule
# first and closes it after the provider's last use.
provider "postgresql" {
  host     = "pgm-bp1db0000000000.pg.rds.aliyuncs.com"
  username = "migrator"
  password = var.db_password
  # Any reference to the rule orders the two; its id is never empty.
  sslmode = ephemeral.secgroup_rule.ci_db.id != "" ? "require" : "require"
}

resource "postgresql_database" "app" {
  name = "app"
}

# A provisioner can use it too (ephemeral values are allowed there).
resource "terraform_data" "migrate" {
  triggers_replace = [postgresql_database.app.name]
  provisioner "local-exec" {
    command     = "./migrate.sh"
    environment = { OPENED_RULE = ephemeral.secgroup_rule.ci_db.id }
  }
}
