package cloud

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// NewToken returns a fresh client token, reused only by the retries of its
// write (DESIGN.md, "A client token per write"); 32 hex digits after the
// prefix, within the vendors' 64 characters.
func NewToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "secgroup-" + hex.EncodeToString(b)
}

// ItemToken is the client token of the i-th of n one-rule writes made for
// one caller token (clouds without batches), so every retry of the batch
// reuses the same tokens. An empty token stays empty.
func ItemToken(token string, i, n int) string {
	if token == "" || n < 2 {
		return token
	}
	return token + "-" + strconv.Itoa(i)
}

// RevokeEach revokes rules one call each, for clouds without batches. A
// "not found" is returned after the others are sent; any other error stops
// them.
func RevokeEach(rules []rule.Rule, revoke func(i int, r rule.Rule) error) error {
	var notFound error
	for i, r := range rules {
		err := revoke(i, r)
		switch {
		case err == nil:
		case IsGone(err):
			if notFound == nil {
				notFound = err
			}
		default:
			return err
		}
	}
	return notFound
}

// AuthorizeEach authorizes rules one call each, for clouds without
// batches, and stops at the first error.
func AuthorizeEach(rules []rule.Rule, authorize func(i int, r rule.Rule) error) error {
	for i, r := range rules {
		if err := authorize(i, r); err != nil {
			return err
		}
	}
	return nil
}
