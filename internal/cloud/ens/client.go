package ens

import (
	"context"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alibaba"
)

// client sends ENS actions through the core of the vendor's SDK
// (alibaba.RPC) and classifies their errors.
type client struct {
	rpc *alibaba.RPC
}

// defaultEndpoint is ENS's one central endpoint (cloud.Cloud's
// DefaultEndpoint).
func defaultEndpoint(map[string]string) string { return "https://ens.aliyuncs.com" }

// newClient connects with resolved settings: access_key, secret_key and
// optionally endpoint. ENS's rule calls take no region: none is sent, and
// the endpoint is ENS's central one unless set.
func newClient(s map[string]string) (*client, error) {
	rpc, err := alibaba.NewRPC(alibaba.API{Cloud: Name, Product: "Ens", Version: apiVersion, DefaultEndpoint: defaultEndpoint(s)}, s)
	if err != nil {
		return nil, err
	}
	return &client{rpc: rpc}, nil
}

// call sends one action; out, if set, receives the JSON answer.
func (c *client) call(ctx context.Context, req cloud.Request, out any) error {
	return c.rpc.Call(ctx, req, out, classify)
}
