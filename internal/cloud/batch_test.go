package cloud

import (
	"errors"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

func TestBatchHelpers(t *testing.T) {
	if ItemToken("t", 0, 1) != "t" || ItemToken("t", 1, 3) != "t-1" || ItemToken("", 1, 3) != "" {
		t.Fatal("ItemToken")
	}
	if a, b := NewToken(), NewToken(); a == b || len(a) > 64 || len(ItemToken(a, 99, 100)) > 64 {
		t.Fatalf("NewToken must be fresh each time and fit 64 characters with an item suffix: %s %s", a, b)
	}
	a := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"}
	gone := &Error{Kind: KindRuleGone}
	var seen []int
	err := RevokeEach([]rule.Rule{a, a, a}, func(i int, _ rule.Rule) error { seen = append(seen, i); return gone })
	if !IsGone(err) || len(seen) != 3 || seen[2] != 2 {
		t.Fatalf("a batch goes on past rules answered not found, each told its place, and returns the answer for a read to settle: %v after %v", err, seen)
	}
	if err := RevokeEach([]rule.Rule{a}, func(int, rule.Rule) error { return gone }); !IsGone(err) {
		t.Fatal("a single rule's gone error is the caller's to judge")
	}
	auth := &Error{Kind: KindAuth}
	if err := RevokeEach([]rule.Rule{a, a}, func(int, rule.Rule) error { return auth }); KindOf(err) != KindAuth {
		t.Fatal("other errors stop the batch")
	}
}

// AuthorizeEach sends every rule in order and stops at the first error.
func TestAuthorizeEach(t *testing.T) {
	a := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"}
	var seen []int
	err := AuthorizeEach([]rule.Rule{a, a, a}, func(i int, _ rule.Rule) error {
		seen = append(seen, i)
		return nil
	})
	if err != nil || len(seen) != 3 {
		t.Fatalf("every rule: %v %v", seen, err)
	}
	seen = nil
	bad := &Error{Kind: KindInvalid}
	err = AuthorizeEach([]rule.Rule{a, a, a}, func(i int, _ rule.Rule) error {
		seen = append(seen, i)
		if i == 1 {
			return bad
		}
		return nil
	})
	if !errors.Is(err, bad) || len(seen) != 2 {
		t.Fatalf("the first error stops the rest: %v after %v", err, seen)
	}
}
