package alicloud

import (
	"context"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
)

// client sends ECS actions through the core of the vendor's SDK
// (alibaba.RPC) and classifies their errors.
type client struct {
	rpc *alibaba.RPC
}

// defaultEndpoint is the region's public ECS endpoint over HTTPS, as the
// vendor's SDK resolves it: its table for ECS (services/ecs), else
// ecs.<region>.aliyuncs.com (cloud.Cloud's DefaultEndpoint).
func defaultEndpoint(s map[string]string) string {
	return alibaba.RegionalEndpoint("Ecs", s["region"], ecs.GetEndpointMap())
}

// newClient connects with resolved settings: access_key, secret_key,
// region and optionally endpoint (default: defaultEndpoint).
func newClient(s map[string]string) (*client, error) {
	rpc, err := alibaba.NewRPC(alibaba.API{Cloud: Name, Product: "Ecs", Version: apiVersion, Region: s["region"], DefaultEndpoint: defaultEndpoint(s)}, s)
	if err != nil {
		return nil, err
	}
	return &client{rpc: rpc}, nil
}

// call sends one action, with parameters named as the API documents them
// (see alibaba.Params), so ingress and egress share one mapping.
func (c *client) call(ctx context.Context, req cloud.Request, out any) error {
	return c.rpc.Call(ctx, req, out, classify)
}
