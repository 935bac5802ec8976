package alibaba

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// Calls at once each take an SDK client of their own: the SDK writes a
// call's timeouts into its client, so a shared one races (go test -race
// fails here without the free list), and the free list keeps the clients
// for the next calls rather than making one per call.
func TestRPCCallsAtOnceTakeClientsOfTheirOwn(t *testing.T) {
	var inFlight, most atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"RequestId":"r"}`))
	}))
	defer srv.Close()
	rpc, err := NewRPC(API{Cloud: "alicloud", Product: "Ecs", Version: "2014-05-26", Region: "cn-hangzhou"},
		map[string]string{"access_key": "ak", "secret_key": "sk", "endpoint": srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	classify := func(cloud.Request, *cloud.Error) {}
	for round := 0; round < 2; round++ {
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(5+i)*time.Second)
				defer cancel()
				if err := rpc.Call(ctx, cloud.Request{Action: "DescribeSecurityGroupAttribute", Group: "sg-1"}, nil, classify); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	if most.Load() < 2 {
		t.Fatalf("the calls went out one at a time (%d at most)", most.Load())
	}
	if n := len(rpc.idle); n > 8 {
		t.Fatalf("%d clients kept for 8 calls at once", n)
	}
}

// A regional API's default endpoint is the SDK's: its table for the
// product where it has the region, its rule otherwise.
func TestRegionalEndpoint(t *testing.T) {
	table := map[string]string{"cn-hangzhou": "ecs-cn-hangzhou.aliyuncs.com"}
	if got := RegionalEndpoint("Ecs", "cn-hangzhou", table); got != "https://ecs-cn-hangzhou.aliyuncs.com" {
		t.Errorf("in the table: %s", got)
	}
	client, err := sdk.NewClientWithOptions("cn-shanghai", sdk.NewConfig(), credentials.NewAccessKeyCredential("ak", "sk"))
	if err != nil {
		t.Fatal(err)
	}
	client.EndpointType = "regional"
	rule, err := client.GetEndpointRules("cn-shanghai", "Ecs")
	if err != nil {
		t.Fatal(err)
	}
	if got := RegionalEndpoint("Ecs", "cn-shanghai", table); got != "https://"+rule {
		t.Errorf("by the rule: %s, the SDK's %s", got, rule)
	}
}
