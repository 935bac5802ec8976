# The module's tests, run against mockcloud (Terraform 1.13+: a variable
# block in a test file); docs/guides/testing-modules-with-mockcloud.md:
#   mockcloud --listen 127.0.0.1:0 --fixtures tests/mockcloud-fixtures.json
#   terraform test -var mockcloud_url=http://127.0.0.1:PORT

variable "mockcloud_url" {
  type        = string
  description = "mockcloud's address, as its first line prints it."
}

# Every cloud's block points at mockcloud with its mock credentials; the
# region and organization are those of its fixture groups.
provider "secgroup" {
  alicloud {
    access_key = "mock-access-key"
    secret_key = "mock-secret-key"
    region     = "cn-hangzhou"
    endpoint   = var.mockcloud_url
  }
  zenlayer {
    access_key = "mock-access-key"
    secret_key = "mock-secret-key"
    endpoint   = var.mockcloud_url
  }
  baiducloud {
    access_key = "mock-access-key"
    secret_key = "mock-secret-key"
    region     = "bj"
    endpoint   = var.mockcloud_url
  }
  apsarastack {
    access_key        = "mock-access-key"
    secret_key        = "mock-secret-key"
    region            = "cn-qingdao-env17-d01"
    organization_id   = "org-1"
    resource_group_id = "rg-1"
    endpoint          = var.mockcloud_url
  }
  ens {
    access_key = "mock-access-key"
    secret_key = "mock-secret-key"
    endpoint   = var.mockcloud_url
  }
}

variables {
  cloud             = "alicloud"
  security_group_id = "sg-shop-web"
}

run "plan_names_one_rule_per_port" {
  command = plan

  assert {
    condition     = length(secgroup_rule_set.web.rules) == 2
    error_message = "two ports, one range: two rules"
  }
  assert {
    condition     = secgroup_rule_set.web.rules["tcp 443 from 0.0.0.0/0"].port_range == "443"
    error_message = "port 443 is opened as \"443\""
  }
}

run "apply_opens_the_ports" {
  assert {
    condition     = length(output.rule_ids) == 2
    error_message = "each rule has its id"
  }
  assert {
    condition     = alltrue([for id in values(output.rule_ids) : startswith(id, "alicloud/sg-shop-web/sgr-")])
    error_message = "the ids are ECS rule ids in the shop's group"
  }
}

run "more_ranges_add_rules" {
  variables {
    cidrs = ["0.0.0.0/0", "2001:db8::/32"]
  }

  assert {
    condition     = length(output.rule_ids) == 4
    error_message = "two ports, two ranges: four rules"
  }
  assert {
    condition     = output.rule_ids["tcp 80 from 0.0.0.0/0"] == run.apply_opens_the_ports.rule_ids["tcp 80 from 0.0.0.0/0"]
    error_message = "a rule kept is not made again"
  }
}

run "port_zero_is_refused" {
  command = plan

  variables {
    ports = [0]
  }

  expect_failures = [var.ports]
}

# The same module on another cloud: the set moves to Zenlayer, whose rule
# ids are numbers.
run "on_zenlayer" {
  variables {
    cloud             = "zenlayer"
    security_group_id = "zl-shop-web"
  }

  assert {
    condition     = alltrue([for id in values(output.rule_ids) : can(regex("^zenlayer/zl-shop-web/[0-9]+$", id))])
    error_message = "Zenlayer rule ids are numbers"
  }
}
