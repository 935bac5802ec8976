// Command mockcloud serves the five vendor security group APIs on one
// address for tests without cloud accounts.
//
//	go run ./internal/mockcloud/cmd/mockcloud --listen 127.0.0.1:0 [--tls CA_FILE] [--latency 20ms]
//
// It prints "mockcloud listening on http://ADDR" once it accepts
// connections.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on; port 0 picks a free port")
	caFile := flag.String("tls", "", "serve HTTPS with a fresh self-signed certificate and write its CA to this file")
	accessKey := flag.String("access-key", frontend.DefaultAccessKey, "access key id every vendor API accepts")
	secretKey := flag.String("secret-key", frontend.DefaultSecretKey, "secret every vendor API accepts")
	latency := flag.Duration("latency", 0, "delay every vendor call by this much (e.g. 20ms), as a real cloud's round trip does")
	flag.Parse()

	srv := mockcloud.New(mockcloud.Options{AccessKey: *accessKey, SecretKey: *secretKey, Latency: *latency})
	if err := srv.Start(*listen, *caFile); err != nil {
		log.Fatalf("mockcloud: %v", err)
	}
	fmt.Printf("mockcloud listening on %s\n", srv.URL)
	_ = os.Stdout.Sync()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	_ = srv.Close()
}
