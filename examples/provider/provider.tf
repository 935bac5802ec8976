terraform {
  required_providers {
    secgroup = {
      source = "secgroup/secgroup"
    }
  }
}

# Each cloud has an optional block; a cloud is contacted only when a rule
# uses it. Every setting can come from the environment instead.
provider "secgroup" {
  alicloud {
    access_key = var.alicloud_access_key # or ALICLOUD_ACCESS_KEY
    secret_key = var.alicloud_secret_key # or ALICLOUD_SECRET_KEY
    region     = "cn-hangzhou"           # or ALICLOUD_REGION
    # endpoint = "http://127.0.0.1:8080" # e.g. a mockcloud; HTTPS public endpoint by default
  }
  zenlayer {
    access_key = var.zenlayer_access_key_id       # or ZENLAYERCLOUD_ACCESS_KEY_ID
    secret_key = var.zenlayer_access_key_password # or ZENLAYERCLOUD_ACCESS_KEY_PASSWORD
  }
  baiducloud {
    access_key = var.baiducloud_access_key # or BAIDUCLOUD_ACCESS_KEY
    secret_key = var.baiducloud_secret_key # or BAIDUCLOUD_SECRET_KEY
    region     = "bj"                      # or BAIDUCLOUD_REGION
  }
  apsarastack {
    access_key      = var.apsarastack_access_key           # or APSARASTACK_ACCESS_KEY
    secret_key      = var.apsarastack_secret_key           # or APSARASTACK_SECRET_KEY
    region          = "cn-qingdao-env17-d01"               # or APSARASTACK_REGION
    endpoint        = "https://internal.asapi.example.com" # required: the stack's own gateway
    organization_id = "1"                                  # or APSARASTACK_ORGANIZATION_ID
  }
  ens {
    access_key = var.alicloud_access_key # or ALICLOUD_ACCESS_KEY, as for ECS
    secret_key = var.alicloud_secret_key # or ALICLOUD_SECRET_KEY
  }
}

variable "alicloud_access_key" {
  type      = string
  sensitive = true
}

variable "alicloud_secret_key" {
  type      = string
  sensitive = true
}

variable "zenlayer_access_key_id" {
  type      = string
  sensitive = true
}

variable "zenlayer_access_key_password" {
  type      = string
  sensitive = true
}

variable "baiducloud_access_key" {
  type      = string
  sensitive = true
}

variable "baiducloud_secret_key" {
  type      = string
  sensitive = true
}

variable "apsarastack_access_key" {
  type      = string
  sensitive = true
}

variable "apsarastack_secret_key" {
  type      = string
  sensitive = true
}
