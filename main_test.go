package main

import (
	"strings"
	"testing"
)

func TestQuietUnlessAsked(t *testing.T) {
	for _, c := range []struct {
		environ []string
		quiet   bool
	}{
		{[]string{"HOME=/root", "PATH=/bin"}, true},
		{[]string{"TF_LOG="}, true},
		{[]string{"TF_LOG=DEBUG"}, false},
		{[]string{"TF_LOG_PROVIDER=TRACE"}, false},
		{[]string{"TF_LOG_PATH=/tmp/tf.log"}, false},
		{[]string{"TF_LOG_SDK_FRAMEWORK=INFO"}, false},
	} {
		set := map[string]string{}
		quietUnlessAsked(c.environ, func(k, v string) error { set[k] = v; return nil })
		if got := len(set) == len(quietLoggers); got != c.quiet {
			t.Errorf("%v: set %v, want quiet=%v", c.environ, set, c.quiet)
		}
		for k, v := range set {
			if v != "OFF" || !strings.HasPrefix(k, "TF_LOG_") {
				t.Errorf("%s=%s", k, v)
			}
		}
	}
}
