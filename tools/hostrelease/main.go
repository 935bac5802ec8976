// Command hostrelease writes .goreleaser.yml narrowed to this machine's
// platform, for make release-check: goreleaser release --snapshot has no
// --single-target, and all thirteen platforms of both binaries would take
// CI far longer than one. Everything else (archives, checksums, ids) is
// the release's own.
//
//	go run ./hostrelease SRC DST DIST
package main

import (
	"encoding/json"
	"log"
	"os"
	"runtime"

	"github.com/goreleaser/goreleaser/v2/pkg/config"
)

func main() {
	if len(os.Args) != 4 {
		log.Fatal("usage: hostrelease SRC DST DIST")
	}
	cfg, err := config.Load(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	for i := range cfg.Builds {
		b := &cfg.Builds[i]
		b.Goos, b.Goarch, b.Ignore, b.Targets = []string{runtime.GOOS}, []string{runtime.GOARCH}, nil, nil
	}
	cfg.Dist = os.Args[3]
	// YAML takes JSON, and the configuration's types carry JSON names;
	// left empty are the settings the file does not make (some empty
	// ones' JSON names are not their YAML names).
	raw, err := json.Marshal(cfg)
	if err != nil {
		log.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		log.Fatal(err)
	}
	out, err := json.MarshalIndent(prune(tree), "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(os.Args[2], out, 0o644); err != nil {
		log.Fatal(err)
	}
}

// prune drops empty values (nil, "", false, 0, and maps and lists left
// empty) from a JSON tree; nil when v itself is empty.
func prune(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if v[k] = prune(e); v[k] == nil {
				delete(v, k)
			}
		}
		if len(v) == 0 {
			return nil
		}
		return v
	case []any:
		var out []any
		for _, e := range v {
			if e = prune(e); e != nil {
				out = append(out, e)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case string:
		if v == "" {
			return nil
		}
	case bool:
		if !v {
			return nil
		}
	case float64:
		if v == 0 {
			return nil
		}
	}
	return v
}
