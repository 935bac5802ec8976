package mockcloud

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/store"
)

// GroupsFile is a file of groups and rules in the shape GET /_mock/state
// prints, read and checked: the whole cloud, which mockcloud --fixtures
// starts with (and resets to) instead of the built-in fixtures, and
// --state keeps between runs.
type GroupsFile struct {
	groups []fileGroup
}

// fileGroup is a group as GET /_mock/state prints it (store.Group's JSON),
// its rules in the vendor's describe shape.
type fileGroup struct {
	Cloud       string            `json:"cloud"`
	ID          string            `json:"id"`
	Region      string            `json:"region"`
	Status      string            `json:"status"`
	Default     bool              `json:"default"`
	VpcID       string            `json:"vpc_id"`
	Version     int64             `json:"version"`
	AvailableAt time.Time         `json:"available_at"`
	Rules       []json.RawMessage `json:"rules"`
}

// ParseGroups reads a groups file's content; name is the file's name, for
// errors, which give the line and column of what is wrong.
func ParseGroups(name string, data []byte) (*GroupsFile, error) {
	at := func(off int, err error) error {
		line, col := position(data, off)
		return fmt.Errorf("%s:%d:%d: %w", name, line, col, err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s is empty: want %s", name, wantGroups)
	}
	var top struct {
		Groups []json.RawMessage `json:"groups"`
	}
	if off, err := decodeStrict(data, 0, len(data), &top); err != nil {
		return nil, at(off, err)
	}
	if top.Groups == nil {
		return nil, at(0, errors.New("want "+wantGroups))
	}
	f := &GroupsFile{}
	seen := map[string]int{}
	ruleIDs := map[string]int{}
	from := 0
	for i, raw := range top.Groups {
		start := from + bytes.Index(data[from:], raw)
		from = start + len(raw)
		var g fileGroup
		if off, err := decodeStrict(data, start, from, &g); err != nil {
			return nil, at(off, fmt.Errorf("group %d: %w", i, err))
		}
		cloud, ok := lookupCloud(g.Cloud)
		switch {
		case !ok:
			return nil, at(start, fmt.Errorf("group %d: cloud %q: want one of %s", i, g.Cloud, strings.Join(Clouds, ", ")))
		case g.ID == "":
			return nil, at(start, fmt.Errorf("group %d: no id", i))
		case cloud.needsRegion && g.Region == "":
			return nil, at(start, fmt.Errorf("group %d: %s/%s has no region: %s finds a group only in its region", i, g.Cloud, g.ID, g.Cloud))
		}
		key := g.Cloud + "/" + g.ID
		if first, dup := seen[key]; dup {
			line, _ := position(data, first)
			return nil, at(start, fmt.Errorf("group %s again (first at line %d): a cloud's group ids are unique", key, line))
		}
		seen[key] = start
		if g.Status == "" {
			g.Status = "Available"
		}
		if g.Rules == nil {
			g.Rules = []json.RawMessage{}
		}
		ruleFrom := start
		// No cloud holds a rule twice: its authorize refuses a repeat, or
		// adds nothing for it (ECS).
		sameRule := map[string]int{}
		held := map[string]int{}
		for j, rule := range g.Rules {
			ruleStart := ruleFrom + bytes.Index(data[ruleFrom:from], rule)
			ruleFrom = ruleStart + len(rule)
			decoded, err := cloud.decodeRule(rule)
			if err != nil {
				off := ruleStart
				if o, ok := errorOffset(rule, err); ok {
					off += o
				}
				return nil, at(off, fmt.Errorf("group %s rule %d: %w", key, j, err))
			}
			if id := ruleID(decoded); id != "" {
				idKey := g.Cloud + "/" + id
				if first, dup := ruleIDs[idKey]; dup {
					line, _ := position(data, first)
					return nil, at(ruleStart, fmt.Errorf("group %s rule %d: rule id %s again (first at line %d): a cloud's rule ids are unique", key, j, id, line))
				}
				ruleIDs[idKey] = ruleStart
			}
			k := cloud.ruleKey(decoded)
			if first, dup := sameRule[k]; dup {
				return nil, at(ruleStart, fmt.Errorf("group %s rule %d: the same rule as rule %d (ids aside): %s never holds a rule twice", key, j, first, g.Cloud))
			}
			sameRule[k] = j
			// Nor more than its authorize lets in.
			bucket, limit := cloud.ruleQuota(decoded)
			if held[bucket]++; held[bucket] > limit {
				what := "rules"
				if bucket != "" {
					what = bucket + " rules"
				}
				return nil, at(ruleStart, fmt.Errorf("group %s rule %d: more than %d %s: %s's authorize stops at its quota", key, j, limit, what, g.Cloud))
			}
		}
		f.groups = append(f.groups, g)
	}
	return f, nil
}

// wantGroups is what a groups file holds, for errors.
const wantGroups = `{"groups": [{"cloud", "id", "region", "status", "default", "rules": [...]}, ...]}, as GET /_mock/state prints`

// Groups are the file's groups, made afresh on each call (the store
// changes its groups and rules in place).
func (f *GroupsFile) Groups() []*store.Group {
	if f == nil {
		return nil
	}
	out := make([]*store.Group, 0, len(f.groups))
	for _, g := range f.groups {
		sg := &store.Group{Cloud: g.Cloud, ID: g.ID, Region: g.Region, Status: g.Status, Default: g.Default, VpcID: g.VpcID,
			Version: g.Version, AvailableAt: g.AvailableAt, Rules: []any{}}
		for _, raw := range g.Rules {
			r, err := fixturesOf(g.Cloud).decodeRule(raw)
			if err != nil {
				panic(err) // ParseGroups decoded it already
			}
			sg.Rules = append(sg.Rules, r)
		}
		out = append(out, sg)
	}
	return out
}

// ruleID is a rule's own id as the vendor reports it ("" for ENS).
func ruleID(rule any) string {
	raw, _ := json.Marshal(rule)
	var fields map[string]any
	_ = json.Unmarshal(raw, &fields)
	for _, k := range ruleIDFields {
		if v, ok := fields[k]; ok && v != nil && fmt.Sprint(v) != "" {
			return fmt.Sprint(v)
		}
	}
	return ""
}

// decodeStrict decodes the JSON value data[start:end] into v, refusing
// fields v does not have; on failure it gives the offset in data of what
// is wrong.
func decodeStrict(data []byte, start, end int, v any) (int, error) {
	dec := json.NewDecoder(bytes.NewReader(data[start:end]))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		// Nothing but space may follow the value: More() alone lets a
		// stray '}' or ']' through.
		if _, err := dec.Token(); err != io.EOF {
			off := start + int(dec.InputOffset())
			off += len(data[off:end]) - len(bytes.TrimLeft(data[off:end], " \t\r\n"))
			return off, errors.New("more after the JSON value")
		}
		return 0, nil
	}
	if o, ok := errorOffset(data[start:end], err); ok {
		return start + o, err
	}
	return start, err
}

var unknownField = regexp.MustCompile(`^json: unknown field "(.*)"$`)

// errorOffset is where in data a decoding error lies: encoding/json gives
// the offset of syntax and type errors; an unknown field is found by its
// first use as a key.
func errorOffset(data []byte, err error) (int, bool) {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return int(syntax.Offset), true
	case errors.As(err, &typ):
		// encoding/json gives the offset past the value (past its '{'
		// or '['); the error is the value's, so point at its start.
		return valueStart(data, int(typ.Offset)), true
	case errors.Is(err, io.ErrUnexpectedEOF):
		return len(data), true
	}
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		key, _ := json.Marshal(m[1])
		if loc := regexp.MustCompile(regexp.QuoteMeta(string(key)) + `\s*:`).FindIndex(data); loc != nil {
			return loc[0], true
		}
	}
	return 0, false
}

// valueStart is where the JSON token that ends at end starts: the tokens
// are read again until one reaches end.
func valueStart(data []byte, end int) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		prev := int(dec.InputOffset())
		if _, err := dec.Token(); err != nil {
			return end
		}
		if int(dec.InputOffset()) >= end {
			// The separators before a token are read with it.
			return prev + len(data[prev:end]) - len(bytes.TrimLeft(data[prev:end], " \t\r\n,:"))
		}
	}
}

// position is the 1-based line and column of an offset, the column in
// characters, as editors count them.
func position(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	return line, 1 + utf8.RuneCount(data[bytes.LastIndexByte(data[:off], '\n')+1:off])
}
