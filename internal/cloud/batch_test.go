package cloud

import (
	"errors"
	"testing"
	"time"

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
	if err != nil || len(seen) != 3 || seen[2] != 2 {
		t.Fatalf("a batch goes on past gone rules, each told its place: %v after %v", err, seen)
	}
	if err := RevokeEach([]rule.Rule{a}, func(int, rule.Rule) error { return gone }); !IsGone(err) {
		t.Fatal("a single rule's gone error is the caller's to judge")
	}
	auth := &Error{Kind: KindAuth}
	if err := RevokeEach([]rule.Rule{a, a}, func(int, rule.Rule) error { return auth }); KindOf(err) != KindAuth {
		t.Fatal("other errors stop the batch")
	}
	if !AnswerTime("Wed, 02 Dec 2026 03:55:32 GMT").Equal(time.Date(2026, 12, 2, 3, 55, 32, 0, time.UTC)) || !AnswerTime("").IsZero() {
		t.Fatal("AnswerTime reads an HTTP date, and nothing from no header")
	}
}

// AuthorizeEach sends every rule in order and stops at the first error,
// with the time of the last answer.
func TestAuthorizeEach(t *testing.T) {
	a := rule.Rule{Direction: rule.Ingress, Protocol: rule.TCP, Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"}
	t0 := time.Date(2026, 12, 2, 3, 55, 32, 0, time.UTC)
	var seen []int
	answered, err := AuthorizeEach([]rule.Rule{a, a, a}, func(i int, _ rule.Rule) (time.Time, error) {
		seen = append(seen, i)
		return t0.Add(time.Duration(i) * time.Second), nil
	})
	if err != nil || len(seen) != 3 || !answered.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("every rule, the last answer's time: %v %v %v", seen, answered, err)
	}
	seen = nil
	bad := &Error{Kind: KindInvalid}
	_, err = AuthorizeEach([]rule.Rule{a, a, a}, func(i int, _ rule.Rule) (time.Time, error) {
		seen = append(seen, i)
		if i == 1 {
			return time.Time{}, bad
		}
		return t0, nil
	})
	if !errors.Is(err, bad) || len(seen) != 2 {
		t.Fatalf("the first error stops the rest: %v after %v", err, seen)
	}
}
