package provider

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
)

// Every cloud's client, ours and the SDKs', reuses its connections under
// as much concurrency as Terraform gives it: rounds of concurrent calls
// open no more connections than twice the calls in flight at once. With
// Go's default of 2 idle connections per host, each round after the
// first would open most of its connections again.
func TestClientsReuseConnections(t *testing.T) {
	const concurrent, rounds = 40, 4
	for _, def := range Clouds().All() {
		t.Run(def.Name, func(t *testing.T) {
			m := mocktest.Start(t, "")
			m.Store.SetLatency(callLatency)
			id := fmt.Sprintf("conn-%s", def.Name)
			if err := m.Store.AddGroup(mockcloud.NewGroup(def.Name, id)); err != nil {
				t.Fatal(err)
			}
			backend, err := def.Connect(context.Background(), mocktest.Settings(def.Name, m.URL))
			if err != nil {
				t.Fatal(err)
			}
			m.Store.ResetTraffic()
			for range rounds {
				var wg sync.WaitGroup
				errs := make(chan error, concurrent)
				for range concurrent {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if _, err := backend.Describe(context.Background(), id); err != nil {
							errs <- err
						}
					}()
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatal(err)
				}
			}
			got := m.Store.Traffic()
			if got.PeakInFlight < 2 || got.NewConnections > 2*got.PeakInFlight {
				t.Fatalf("%d new connections for %d rounds of %d calls, peak %d in flight: want at most twice the peak",
					got.NewConnections, rounds, concurrent, got.PeakInFlight)
			}
		})
	}
}
