package mockcloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/frontend"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// controlAPI serves /_mock/: state, groups, calls, traffic, faults, behavior,
// clock, reset.
func controlAPI(st *store.Store) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_mock/state", func(w http.ResponseWriter, r *http.Request) {
		frontend.WriteJSON(w, http.StatusOK, map[string]any{"groups": st.Snapshot()})
	})
	mux.HandleFunc("POST /_mock/groups", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			store.Group
			// AvailableAfterSeconds turns a group of another status
			// Available that many seconds from now.
			AvailableAfterSeconds float64 `json:"available_after_seconds"`
		}
		if err := decode(r, &in); err != nil || in.Cloud == "" || in.ID == "" {
			controlError(w, http.StatusBadRequest, fmt.Errorf(`want {"cloud","id","region","status","default","available_after_seconds"}: %w`, err))
			return
		}
		g := in.Group
		// A group the clouds could not hold would be saved by --state
		// into a file the next run refuses (ParseGroups checks the same).
		if cloud, ok := lookupCloud(g.Cloud); !ok {
			controlError(w, http.StatusBadRequest, fmt.Errorf("cloud %q: want one of %s", g.Cloud, strings.Join(Clouds, ", ")))
			return
		} else if cloud.needsRegion && g.Region == "" {
			controlError(w, http.StatusBadRequest, fmt.Errorf("%s/%s has no region: %s finds a group only in its region", g.Cloud, g.ID, g.Cloud))
			return
		}
		if g.Status == "" {
			g.Status = "Available"
		}
		g.AvailableAt = time.Time{}
		if in.AvailableAfterSeconds > 0 && g.Status != "Available" {
			g.AvailableAt = st.Now().Add(time.Duration(in.AvailableAfterSeconds * float64(time.Second)))
		}
		g.Rules = nil
		if err := st.AddGroup(&g); err != nil {
			controlError(w, http.StatusConflict, err)
			return
		}
		frontend.WriteJSON(w, http.StatusCreated, g)
	})
	mux.HandleFunc("DELETE /_mock/groups/{cloud}/{id}", func(w http.ResponseWriter, r *http.Request) {
		cloud, id := r.PathValue("cloud"), r.PathValue("id")
		if !st.RemoveGroup(cloud, id) {
			controlError(w, http.StatusNotFound, fmt.Errorf("no group %s/%s", cloud, id))
			return
		}
		frontend.WriteJSON(w, http.StatusOK, map[string]any{"deleted": cloud + "/" + id})
	})
	mux.HandleFunc("DELETE /_mock/groups/{cloud}/{id}/rules/{rule}", func(w http.ResponseWriter, r *http.Request) {
		cloud, id, which := r.PathValue("cloud"), r.PathValue("id"), r.PathValue("rule")
		// The rule removed, in the answer: @N is a position, and the
		// caller needs to know which rule went.
		selected, gone := ruleSelector(which), json.RawMessage("null")
		found, removed := st.RemoveRule(cloud, id, func(i int, rule any) bool {
			if !selected(i, rule) {
				return false
			}
			if raw, err := json.Marshal(rule); err == nil {
				gone = raw
			}
			return true
		})
		switch {
		case !found:
			controlError(w, http.StatusNotFound, fmt.Errorf("no group %s/%s", cloud, id))
		case !removed:
			controlError(w, http.StatusNotFound, fmt.Errorf("group %s/%s has no rule %s (give the rule's id, or @N for the N-th rule of /_mock/state, from 0)", cloud, id, which))
		default:
			frontend.WriteJSON(w, http.StatusOK, map[string]any{"deleted": cloud + "/" + id + "/" + which, "rule": gone})
		}
	})
	mux.HandleFunc("GET /_mock/calls", func(w http.ResponseWriter, r *http.Request) {
		calls := st.Calls()
		if calls == nil {
			calls = []store.Call{}
		}
		frontend.WriteJSON(w, http.StatusOK, calls)
	})
	mux.HandleFunc("GET /_mock/traffic", func(w http.ResponseWriter, r *http.Request) {
		frontend.WriteJSON(w, http.StatusOK, st.Traffic())
	})
	mux.HandleFunc("DELETE /_mock/traffic", func(w http.ResponseWriter, r *http.Request) {
		st.ResetTraffic()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_mock/faults", func(w http.ResponseWriter, r *http.Request) {
		var faults []store.Fault
		body, err := readBody(r)
		if err == nil {
			if bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) {
				err = json.Unmarshal(body, &faults)
			} else {
				var f store.Fault
				err = json.Unmarshal(body, &f)
				faults = []store.Fault{f}
			}
		}
		for _, f := range faults {
			if f.Cloud == "" {
				err = fmt.Errorf("every fault needs a cloud")
			}
		}
		if err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		for _, f := range faults {
			st.AddFault(f)
		}
		frontend.WriteJSON(w, http.StatusOK, map[string]any{"faults": faults})
	})
	mux.HandleFunc("POST /_mock/behavior", func(w http.ResponseWriter, r *http.Request) {
		var b map[string]string
		if err := decode(r, &b); err != nil || b["cloud"] == "" {
			controlError(w, http.StatusBadRequest, fmt.Errorf(`want {"cloud": "...", "<switch>": "<value>"}: %w`, err))
			return
		}
		for k, v := range b {
			if k != "cloud" {
				st.SetBehavior(b["cloud"], k, v)
			}
		}
		frontend.WriteJSON(w, http.StatusOK, b)
	})
	mux.HandleFunc("GET /_mock/clock", func(w http.ResponseWriter, r *http.Request) {
		frontend.WriteJSON(w, http.StatusOK, clockView(st))
	})
	mux.HandleFunc("POST /_mock/clock", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			OffsetSeconds   *float64 `json:"offset_seconds"`
			DateSkewSeconds *float64 `json:"date_skew_seconds"`
		}
		if err := decode(r, &in); err != nil || in.OffsetSeconds == nil && in.DateSkewSeconds == nil {
			controlError(w, http.StatusBadRequest, fmt.Errorf(`want {"offset_seconds": N, "date_skew_seconds": M}, either or both (negative: behind): %w`, err))
			return
		}
		if in.OffsetSeconds != nil {
			st.SetClockOffset(time.Duration(*in.OffsetSeconds * float64(time.Second)))
		}
		if in.DateSkewSeconds != nil {
			st.SetDateSkew(time.Duration(*in.DateSkewSeconds * float64(time.Second)))
		}
		frontend.WriteJSON(w, http.StatusOK, clockView(st))
	})
	mux.HandleFunc("POST /_mock/reset", func(w http.ResponseWriter, r *http.Request) {
		st.Reset()
		frontend.WriteJSON(w, http.StatusOK, map[string]any{"reset": true})
	})
	return mux
}

// clockView is the cloud's clock as the control API shows it.
func clockView(st *store.Store) map[string]any {
	return map[string]any{"now": st.Now().Format(time.RFC3339Nano), "offset_seconds": st.ClockOffset().Seconds(),
		"date_skew_seconds": st.DateSkew().Seconds()}
}

func readBody(r *http.Request) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(http.MaxBytesReader(nil, r.Body, 1<<20))
	return b.Bytes(), err
}

func decode(r *http.Request, v any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	return json.Unmarshal(body, v)
}

func controlError(w http.ResponseWriter, status int, err error) {
	frontend.WriteJSON(w, status, map[string]string{"error": err.Error()})
}

// ruleIDFields are the keys under which the vendors' describe shapes carry
// a rule's own id (ECS and Apsara Stack, Zenlayer, Baidu's two spellings).
var ruleIDFields = []string{"SecurityGroupRuleId", "ruleId", "securityGroupRuleId", "id"}

// ruleSelector picks a rule by the vendor's id, or by its position "@N"
// (for ENS, whose rules have no id).
func ruleSelector(which string) func(int, any) bool {
	if n, err := strconv.Atoi(strings.TrimPrefix(which, "@")); err == nil && strings.HasPrefix(which, "@") {
		return func(i int, _ any) bool { return i == n }
	}
	return func(_ int, rule any) bool {
		raw, _ := json.Marshal(rule)
		var fields map[string]any
		_ = json.Unmarshal(raw, &fields)
		for _, k := range ruleIDFields {
			if v, ok := fields[k]; ok && v != nil && fmt.Sprint(v) == which {
				return true
			}
		}
		return false
	}
}
