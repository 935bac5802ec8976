// Package apsarastack is mockcloud's Alibaba Apsara Stack front-end: ECS's
// rule semantics (package alicloud) behind the stack's gateway route, POST
// /apsara/route/Ecs/{Action} (route.go), for the groups of cloud
// "apsarastack".
package apsarastack

import (
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
)

// Cloud is the store's name for Apsara Stack groups.
const Cloud = "apsarastack"

// Region is the region of the fixture groups, an Apsara Stack style name.
const Region = "cn-qingdao-env17-d01"

// New builds the front-end.
func New(cfg frontend.Config) *alicloud.API { return alicloud.NewBehind(cfg, Cloud, route(cfg.Store)) }
