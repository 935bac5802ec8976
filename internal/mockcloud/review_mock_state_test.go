package mockcloud_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// A state mockcloud itself saved is one it starts from again. The control
// API's POST /_mock/groups takes any cloud name; --state saves that group,
// and the next run refuses its own file (ParseGroups knows five clouds),
// so `mockcloud --state FILE` no longer starts until the file is removed.
func TestReviewKeepStateReloadsWhatItSaved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cloud.json")
	first := startWith(t, nil)
	if err := first.KeepState(path); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(first.URL+"/_mock/groups", "application/json", stringsReader(`{"cloud":"alicoud","id":"sg-typo"}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	created := resp.StatusCode
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := startWith(t, nil).KeepState(path); err != nil {
		t.Fatalf("POST /_mock/groups of cloud \"alicoud\" answered %d, and the next run refuses the state the first saved: %v", created, err)
	}
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
