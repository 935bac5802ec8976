package alicloud

import (
	"context"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
)

// client sends ECS actions through the core of the vendor's SDK
// (alibaba.RPC) and classifies their errors.
type client struct {
	rpc *alibaba.RPC
}

// newClient connects with resolved settings: access_key, secret_key,
// region and optionally endpoint. Without an endpoint, the region's public
// ECS endpoint over HTTPS: the SDK's table for ECS (services/ecs), else
// ecs.<region>.aliyuncs.com.
func newClient(s map[string]string) (*client, error) {
	rpc, err := alibaba.NewRPC(alibaba.API{Cloud: Name, Product: "Ecs", Version: apiVersion, Region: s["region"], EndpointMap: ecs.GetEndpointMap()}, s)
	if err != nil {
		return nil, err
	}
	return &client{rpc: rpc}, nil
}

// call sends one action, with parameters named as the API documents them
// (see alibaba.Params), so ingress and egress share one mapping. It
// returns the answer's time by the cloud's clock.
func (c *client) call(ctx context.Context, req cloud.Request, out any) (time.Time, error) {
	return c.rpc.Call(ctx, req, out, classify)
}
