package mocktest

import (
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

func TestCheckTokens(t *testing.T) {
	call := func(status int, token, port string, nonce string) store.Call {
		return store.Call{Cloud: "baiducloud", Action: "revokeRule", Status: status,
			Params: map[string]any{"clientToken": token, "portRange": port, "SignatureNonce": nonce, "sgVersion": nonce}}
	}
	for _, tc := range []struct {
		name  string
		calls []store.Call
		want  string
	}{
		{"retries of a failure", []store.Call{call(500, "a", "22", "1"), call(0, "a", "22", "2"), call(200, "a", "22", "3"), call(200, "b", "22", "4")}, ""},
		{"a second operation after a success", []store.Call{call(200, "a", "22", "1"), call(200, "a", "22", "2")}, "used again after its revokeRule succeeded"},
		{"two requests", []store.Call{call(429, "a", "22", "1"), call(200, "a", "23", "2")}, "names two requests"},
	} {
		m := Start(t, "")
		for _, c := range tc.calls {
			m.Store.Record(c)
		}
		err := CheckTokens(m)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
