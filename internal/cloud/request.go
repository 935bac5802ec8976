package cloud

import (
	"context"
)

// Request is one vendor API call in the one form every cloud's client
// takes: each cloud package's client.call(ctx, Request, out) sends it and
// its classify(Request, *Error) sorts a refusal into a Kind.
type Request struct {
	// Action is the vendor's API name, e.g. RevokeSecurityGroup.
	Action string
	// Group is the security group the call acts on. The Alibaba family's
	// clients send it as SecurityGroupId and BCC's in the request path;
	// Zenlayer's actions carry it in their Body.
	Group string
	// Direction is the direction of the rules the call writes, empty for a
	// describe: it tells classify which side an Alibaba code's source names.
	Direction string
	// Params are the call's named parameters (query string or form).
	Params map[string]string
	// Body, when set, goes out as the JSON body (Zenlayer, BCC).
	Body any
}

// Call is the signature of every cloud's client.call: it sends req and
// decodes a successful answer into out (when not nil). A failure is an
// *Error.
type Call func(ctx context.Context, req Request, out any) error
