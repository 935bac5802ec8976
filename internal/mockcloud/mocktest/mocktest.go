// Package mocktest is mockcloud for Go tests: it starts mockclouds the way
// httptest starts servers (on a free loopback port, stopped when the test
// ends), writes the provider block that points Terraform at one, and
// checks what the mock holds and was asked. Every check names the cloud
// it looks at.
package mocktest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
)

// Start runs a mockcloud with its fixtures and default credentials. With
// caFile set it serves HTTPS and writes its CA certificate there.
func Start(tb testing.TB, caFile string) *mockcloud.Server {
	tb.Helper()
	m := mockcloud.New(mockcloud.Options{})
	if err := m.Start("127.0.0.1:0", caFile); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = m.Close() })
	return m
}

// AddGroup adds an empty group beside the cloud's fixtures, in the given
// status.
func AddGroup(tb testing.TB, m *mockcloud.Server, cloud, id, status string) {
	tb.Helper()
	g := mockcloud.NewGroup(cloud, id)
	g.Status = status
	if err := m.Store.AddGroup(g); err != nil {
		tb.Fatal(err)
	}
}

// Settings are the provider block settings that reach the mock's fixture
// groups of a cloud at endpoint.
func Settings(cloud, endpoint string) map[string]string {
	s := mockcloud.ClientSettings(cloud)
	s["endpoint"] = endpoint
	return s
}

// ProviderConfig is a provider "secgroup" block with one block per cloud,
// each pointing at m.
func ProviderConfig(m *mockcloud.Server) string {
	var b strings.Builder
	b.WriteString("\nprovider \"secgroup\" {\n")
	for _, name := range slices.Sorted(slices.Values(mockcloud.Clouds)) {
		b.WriteString(Block(name, Settings(name, m.URL)))
	}
	b.WriteString("}\n")
	return b.String()
}

// AliasedProviderConfig is ProviderConfig as a provider configuration of
// its own, named alias: a second configuration of the same account.
func AliasedProviderConfig(m *mockcloud.Server, alias string) string {
	return strings.Replace(ProviderConfig(m), "provider \"secgroup\" {\n", fmt.Sprintf("provider \"secgroup\" {\n  alias = %q\n", alias), 1)
}

// Block is one cloud's block of the provider's configuration.
func Block(cloud string, settings map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s {\n", cloud)
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		fmt.Fprintf(&b, "    %s = %q\n", k, settings[k])
	}
	b.WriteString("  }\n")
	return b.String()
}

// Rules returns the rules the mock holds in a group of the cloud, as the
// JSON objects GET /_mock/state shows; nil when there is no such group.
func Rules(m *mockcloud.Server, cloud, group string) []map[string]any {
	g, ok := m.Store.FindGroup(cloud, group)
	if !ok {
		return nil
	}
	var out []map[string]any
	for _, r := range g.Rules {
		b, _ := json.Marshal(r)
		var fields map[string]any
		_ = json.Unmarshal(b, &fields)
		out = append(out, fields)
	}
	return out
}

// CheckRule checks that the mock holds exactly one rule in a group of the
// cloud with the given wire fields.
func CheckRule(m *mockcloud.Server, cloud, group string, want map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		found := 0
		for _, r := range Rules(m, cloud, group) {
			match := true
			for k, v := range want {
				if fmt.Sprint(r[k]) != v {
					match = false
				}
			}
			if match {
				found++
			}
		}
		if found != 1 {
			return fmt.Errorf("mock %s group %s has %d rules with %v, want 1; it holds %v", cloud, group, found, want, Rules(m, cloud, group))
		}
		return nil
	}
}

// CheckEmpty checks that the cloud's groups hold no rules (a CheckDestroy).
func CheckEmpty(m *mockcloud.Server, cloud string, groups ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, g := range groups {
			if rules := Rules(m, cloud, g); len(rules) != 0 {
				return fmt.Errorf("mock %s group %s still has %d rules after destroy: %v", cloud, g, len(rules), rules)
			}
		}
		return nil
	}
}

// CheckRuleCount checks how many rules a group of the cloud holds.
func CheckRuleCount(m *mockcloud.Server, cloud, group string, want int) func(*terraform.State) error {
	return func(*terraform.State) error {
		if n := len(Rules(m, cloud, group)); n != want {
			return fmt.Errorf("mock %s group %s holds %d rules, want %d", cloud, group, n, want)
		}
		return nil
	}
}

// Calls counts the cloud's calls of an action answered with status (any
// status when negative).
func Calls(m *mockcloud.Server, cloud, action string, status int) int {
	n := 0
	for _, c := range m.Store.CallsOf(cloud, action) {
		if status < 0 || c.Status == status {
			n++
		}
	}
	return n
}

// ExpectCalls checks how many calls of an action the cloud answered 200.
func ExpectCalls(m *mockcloud.Server, cloud, action string, want int) error {
	if got := Calls(m, cloud, action, 200); got != want {
		return fmt.Errorf("%d successful %s %s calls, want %d", got, cloud, action, want)
	}
	return nil
}

// tokenParams are the parameters that carry a client token, per cloud's
// spelling.
var tokenParams = []string{"ClientToken", "clientToken"}

// perRequest are parameters that change with every signed request, or
// that a retry may leave out (Baidu's sgVersion): not part of what a
// token names.
var perRequest = map[string]bool{"Signature": true, "SignatureNonce": true, "Timestamp": true, "sgVersion": true}

// CheckTokens checks every client token the calls carried: each names one
// operation, and is sent again only by that operation's retries, so every
// call with it asks the same, and none follows one the client got a
// success for (a success ends the operation; the next operation needs a
// token of its own, or the cloud answers it as the first and changes
// nothing).
func CheckTokens(m *mockcloud.Server) error {
	type use struct {
		request   string
		succeeded bool
	}
	seen := map[string]use{}
	for i, c := range m.Store.Calls() {
		token := ""
		for _, k := range tokenParams {
			if v, ok := c.Params[k].(string); ok && v != "" {
				token = v
			}
		}
		if token == "" {
			continue
		}
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(c.Params)) {
			if !perRequest[k] && !slices.Contains(tokenParams, k) {
				parts = append(parts, fmt.Sprintf("%s=%v", k, c.Params[k]))
			}
		}
		request := c.Action + "?" + strings.Join(parts, "&")
		key := c.Cloud + "/" + token
		if before, ok := seen[key]; ok {
			switch {
			case before.succeeded:
				return fmt.Errorf("call %d: %s token %s was used again after its %s succeeded", i, c.Cloud, token, strings.SplitN(before.request, "?", 2)[0])
			case before.request != request:
				return fmt.Errorf("call %d: %s token %s names two requests:\n  %s\n  %s", i, c.Cloud, token, before.request, request)
			}
		}
		seen[key] = use{request: request, succeeded: c.Status == 200}
	}
	return nil
}
