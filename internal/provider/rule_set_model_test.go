package provider

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
)

// An entry's attributes are secgroup_rule's rule attributes less the
// computed ids: the struct's tags, the object type and the schema agree,
// and an entry survives the trip through its map value field by field.
func TestSetEntryIsTheRuleAttributes(t *testing.T) {
	var tags []string
	rt := reflect.TypeOf(setEntry{})
	for i := range rt.NumField() {
		tags = append(tags, rt.Field(i).Tag.Get("tfsdk"))
	}
	var ruleTags []string
	at := reflect.TypeOf(ruleAttrs{})
	for i := range at.NumField() {
		if tag := at.Field(i).Tag.Get("tfsdk"); tag != "id" && tag != "rule_id" {
			ruleTags = append(ruleTags, tag)
		}
	}
	slices.Sort(tags)
	slices.Sort(ruleTags)
	var typeNames []string
	for k := range setEntryType.AttrTypes {
		typeNames = append(typeNames, k)
	}
	slices.Sort(typeNames)
	if !slices.Equal(tags, ruleTags) || !slices.Equal(tags, typeNames) {
		t.Fatalf("entry tags %v, rule attributes %v, object type %v", tags, ruleTags, typeNames)
	}
	schemaNames := []string{}
	for k := range setEntryAttributes(context.Background(), Clouds()) {
		schemaNames = append(schemaNames, k)
	}
	slices.Sort(schemaNames)
	if !slices.Equal(tags, schemaNames) {
		t.Fatalf("entry tags %v, schema %v", tags, schemaNames)
	}

	// Every field its own value, so that two swapped fields show.
	var e setEntry
	v := reflect.ValueOf(&e).Elem()
	for i := range v.NumField() {
		switch v.Field(i).Interface().(type) {
		case types.String:
			v.Field(i).Set(reflect.ValueOf(types.StringValue(rt.Field(i).Name)))
		case types.Number:
			v.Field(i).Set(reflect.ValueOf(priorityValue(7)))
		}
	}
	var diags diag.Diagnostics
	m := setEntriesValue(context.Background(), map[string]setEntry{"k": e}, &diags)
	got, ok := setEntriesOf(context.Background(), m, &diags)
	if diags.HasError() || !ok {
		t.Fatal(diags)
	}
	if !reflect.DeepEqual(got.byKey["k"], e) {
		t.Fatalf("entry after the trip %+v, want %+v", got.byKey["k"], e)
	}
}

func testEntry(port, cidr, desc string) setEntry {
	e := nullEntry()
	e.Direction, e.Protocol = types.StringValue("ingress"), types.StringValue("tcp")
	e.PortRange, e.CIDR = types.StringValue(port), types.StringValue(cidr)
	if desc != "" {
		e.Description = types.StringValue(desc)
	}
	return e
}

func keysOf(ws []setWrite) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.key)
	}
	slices.Sort(out)
	return out
}

// diffSet writes what changed, entry by entry: a key renamed or two keys
// swapped write nothing; a description changes in place where the cloud
// can; a changed rule is revoked and made again, its create waiting for
// the revoke.
func TestDiffSet(t *testing.T) {
	ecs, _ := Clouds().Get("alicloud")
	baidu, _ := Clouds().Get("baiducloud")
	zenlayer, _ := Clouds().Get("zenlayer")
	prioritized := testEntry("22", "10.0.0.0/8", "")
	prioritized.Priority = priorityValue(5)
	a, b, c := testEntry("22", "10.0.0.0/8", ""), testEntry("443", "10.0.0.0/8", ""), testEntry("80", "10.0.0.0/8", "")
	ids := map[string]string{"a": "alicloud/sg/sgr-a", "b": "alicloud/sg/sgr-b"}
	set := func(kv ...any) entries {
		es := entries{byKey: map[string]setEntry{}}
		for i := 0; i < len(kv); i += 2 {
			es.byKey[kv[i].(string)] = kv[i+1].(setEntry)
		}
		return es
	}
	for _, tc := range []struct {
		name                               string
		caps                               cloud.Capabilities
		was, want                          entries
		keeps, revokes, creates, describes []string
		replacing                          []string
		keptIDs                            map[string]string
	}{
		{name: "unchanged", caps: ecs.Capabilities, was: set("a", a, "b", b), want: set("a", a, "b", b),
			keeps: []string{"a", "b"}, keptIDs: map[string]string{"a": "alicloud/sg/sgr-a"}},
		{name: "added and removed", caps: ecs.Capabilities, was: set("a", a, "b", b), want: set("a", a, "c", c),
			keeps: []string{"a"}, revokes: []string{"b"}, creates: []string{"c"}},
		{name: "renamed", caps: ecs.Capabilities, was: set("a", a), want: set("x", a),
			keeps: []string{"x"}, keptIDs: map[string]string{"x": "alicloud/sg/sgr-a"}},
		{name: "swapped", caps: ecs.Capabilities, was: set("a", a, "b", b), want: set("a", b, "b", a),
			keeps: []string{"a", "b"}, keptIDs: map[string]string{"a": "alicloud/sg/sgr-b", "b": "alicloud/sg/sgr-a"}},
		{name: "port changed", caps: ecs.Capabilities, was: set("a", a, "b", b), want: set("a", a, "b", c),
			keeps: []string{"a"}, revokes: []string{"b"}, creates: []string{"b"}, replacing: []string{"b"}},
		{name: "description in place", caps: ecs.Capabilities, was: set("a", a), want: set("a", testEntry("22", "10.0.0.0/8", "ssh")),
			describes: []string{"a"}},
		{name: "renamed with a description in place", caps: ecs.Capabilities, was: set("a", a), want: set("x", testEntry("22", "10.0.0.0/8", "ssh")),
			describes: []string{"x"}},
		{name: "description replaces", caps: baidu.Capabilities, was: set("a", a), want: set("a", testEntry("22", "10.0.0.0/8", "ssh")),
			revokes: []string{"a"}, creates: []string{"a"}, replacing: []string{"a"}},
		// Baidu holds rules that differ in description as two.
		{name: "new key of another description does not wait on Baidu", caps: baidu.Capabilities, was: set("a", a), want: set("x", testEntry("22", "10.0.0.0/8", "ssh")),
			revokes: []string{"a"}, creates: []string{"x"}},
		// Zenlayer holds rules that differ in priority as one.
		{name: "new key of a revoked rule's content waits", caps: zenlayer.Capabilities, was: set("a", a), want: set("x", prioritized),
			revokes: []string{"a"}, creates: []string{"x"}, replacing: []string{"x"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := diffSet(tc.was, tc.want, ids, tc.caps)
			for _, got := range []struct {
				what      string
				got, want []string
			}{{"keeps", keysOf(d.keeps), tc.keeps}, {"revokes", keysOf(d.revokes), tc.revokes},
				{"creates", keysOf(d.creates), tc.creates}, {"describes", keysOf(d.describes), tc.describes}} {
				if !slices.Equal(got.got, got.want) {
					t.Fatalf("%s %v, want %v (%+v)", got.what, got.got, got.want, d)
				}
			}
			var replacing []string
			for _, c := range d.creates {
				if c.replaces {
					replacing = append(replacing, c.key)
				}
			}
			if !slices.Equal(replacing, tc.replacing) {
				t.Fatalf("creates waiting for a revoke %v, want %v", replacing, tc.replacing)
			}
			for k, id := range tc.keptIDs {
				i := slices.IndexFunc(d.keeps, func(w setWrite) bool { return w.key == k })
				if i < 0 || d.keeps[i].id != id {
					t.Fatalf("kept %q with id %+v, want %q", k, d.keeps, id)
				}
			}
			for _, w := range d.revokes {
				if id := ids[w.key]; id != "" && w.rule.NativeID == "" {
					t.Fatalf("the revoke of %q names no rule id (%+v)", w.key, w.rule)
				}
			}
		})
	}
}
