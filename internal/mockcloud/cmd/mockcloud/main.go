// Command mockcloud serves the five vendor security group APIs on one
// address for tests without cloud accounts.
//
//	go run ./internal/mockcloud/cmd/mockcloud --listen 127.0.0.1:0 [--tls CA_FILE] [--fixtures FILE] [--state FILE] [--latency 20ms] [--jitter 0.5] [--faults JSON] [--seed N] [--clock-offset 10m] [--date-skew 5s]
//	go install github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/cmd/mockcloud@latest
//
// It prints "mockcloud listening on http://ADDR" once it accepts
// connections.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// version is set by the release build (-X main.version=...).
var version string

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on; port 0 picks a free port")
	caFile := flag.String("tls", "", "serve HTTPS with a fresh self-signed certificate and write its CA to this file")
	accessKey := flag.String("access-key", frontend.DefaultAccessKey, "access key id every vendor API accepts")
	secretKey := flag.String("secret-key", frontend.DefaultSecretKey, "secret every vendor API accepts")
	latency := flag.Duration("latency", 0, "delay every vendor call by this much (e.g. 20ms), as a real cloud's round trip does")
	jitter := flag.Float64("jitter", 0, "spread --latency evenly over ±this fraction of it (0.5: 10 to 30 ms around 20 ms)")
	faultsJSON := flag.String("faults", "", `faults kept across resets: one fault object or a list, as POST /_mock/faults takes, e.g. '{"cloud":"*","throttle_rate":0.2}'`)
	seed := flag.Int64("seed", 1, "seed of the fault rates, so a run can be repeated")
	dateSkew := flag.Duration("date-skew", 0, "stamp answers' Date this far ahead of the cloud's clock (negative: behind), as a gateway with its own clock does")
	clockOffset := flag.Duration("clock-offset", 0, "run the cloud's clock this far ahead of this machine's (negative: behind), as a client with a clock off by as much sees a real cloud")
	fixturesFile := flag.String("fixtures", "", `groups and rules to start with instead of the built-in fixtures: JSON as GET /_mock/state prints it, {"groups":[{"cloud","id","region","status","default","rules":[...]}]}; /_mock/reset returns to them`)
	stateFile := flag.String("state", "", "keep the cloud in this file between runs: loaded at start when it exists, saved after every change and at exit")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println("mockcloud", versionString())
		return
	}

	faults, err := parseFaults(*faultsJSON)
	if err != nil {
		log.Fatalf("mockcloud: --faults: %v", err)
	}
	var fixtures *mockcloud.GroupsFile
	if *fixturesFile != "" {
		var err error
		if fixtures, err = mockcloud.ReadGroupsFile(*fixturesFile); err != nil {
			log.Fatalf("mockcloud: --fixtures: %v", err)
		}
	}
	srv := mockcloud.New(mockcloud.Options{AccessKey: *accessKey, SecretKey: *secretKey, Latency: *latency, Jitter: *jitter, Faults: faults, Seed: *seed, ClockOffset: *clockOffset, DateSkew: *dateSkew, Fixtures: fixtures})
	if *stateFile != "" {
		if err := srv.KeepState(*stateFile); err != nil {
			log.Fatalf("mockcloud: --state: %v", err)
		}
	}
	if err := srv.Start(*listen, *caFile); err != nil {
		log.Fatalf("mockcloud: %v", err)
	}
	fmt.Printf("mockcloud listening on %s\n", srv.URL)
	_ = os.Stdout.Sync()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	if err := srv.Close(); err != nil {
		log.Fatalf("mockcloud: %v", err)
	}
}

// versionString is the release's version, else the module version go
// install recorded, else "dev".
func versionString() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// parseFaults reads one fault object or a list of them.
func parseFaults(s string) ([]store.Fault, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if !strings.HasPrefix(s, "[") {
		s = "[" + s + "]"
	}
	var faults []store.Fault
	if err := json.Unmarshal([]byte(s), &faults); err != nil {
		return nil, err
	}
	for _, f := range faults {
		if f.Cloud == "" {
			return nil, fmt.Errorf("every fault needs a cloud (\"*\" for all)")
		}
	}
	return faults, nil
}
