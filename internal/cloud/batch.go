package cloud

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// ItemToken is the client token of the i-th of n one-rule writes made for
// one caller token (clouds without batches), so every retry of the batch
// reuses the same tokens. An empty token stays empty.
func ItemToken(token string, i, n int) string {
	if token == "" || n < 2 {
		return token
	}
	return token + "-" + strconv.Itoa(i)
}

// RevokeToken is a client token derived from what a revoke names, so the
// retries of one revoke send the same token. extra adds what else names
// the rule on the cloud (Baidu's remark).
func RevokeToken(groupID string, r rule.Rule, extra ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(append([]string{groupID, rule.ContentKey(r)}, extra...), "\n")))
	return "secgroup-revoke-" + hex.EncodeToString(sum[:12])
}

// RevokeEach revokes rules one call each, for clouds without batches. In a
// batch a rule already gone does not stop the others; a single rule's
// error is returned as it is, for the caller to judge.
func RevokeEach(rules []rule.Rule, revoke func(rule.Rule) error) error {
	for _, r := range rules {
		if err := revoke(r); err != nil && (len(rules) == 1 || !IsGone(err)) {
			return err
		}
	}
	return nil
}
