package mockcloud_test

// Review of issue 36 (mockcloud for users): files mockcloud accepts that
// the clouds could never produce, and its errors for malformed files.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

// oneStoredRule authorizes one TCP rule in a cloud's fixture group through
// the provider's own client and returns the rule as GET /_mock/state
// prints it, so the tests below start from a rule the cloud did store.
func oneStoredRule(t *testing.T, cloudName, group string) map[string]any {
	t.Helper()
	m := startWith(t, nil)
	backend, err := definitions[cloudName]().Connect(context.Background(), mocktest.Settings(cloudName, m.URL))
	if err != nil {
		t.Fatal(err)
	}
	r := rule.Rule{Direction: "ingress", Protocol: "tcp", Ports: rule.PortRange{From: 80, To: 80}, CIDR: "10.0.0.0/8"}
	if err := backend.Authorize(context.Background(), group, []rule.Rule{r}, ""); err != nil {
		t.Fatal(err)
	}
	rules := mocktest.Rules(m, cloudName, group)
	if len(rules) != 1 {
		t.Fatalf("%d rules in %s", len(rules), group)
	}
	return rules[0]
}

// variant is a copy of a stored rule with another id (where the cloud
// has ids) and, when port is not 0, another port.
func variant(cloudName string, r map[string]any, n, port int) map[string]any {
	c := map[string]any{}
	for k, v := range r {
		c[k] = v
	}
	switch cloudName {
	case "zenlayer":
		c["ruleId"] = 100000 + n
	case "alicloud":
		c["SecurityGroupRuleId"] = fmt.Sprintf("sgr-review%06d", n)
	case "baiducloud":
		c["securityGroupRuleId"], c["id"] = fmt.Sprintf("r-review%06d", n), fmt.Sprintf("r-review%06d", n)
	}
	if port != 0 {
		for _, k := range []string{"portRange", "PortRange"} {
			if v, ok := c[k].(string); ok {
				if strings.Contains(v, "/") {
					c[k] = fmt.Sprintf("%d/%d", port, port)
				} else {
					c[k] = fmt.Sprint(port)
				}
			}
		}
	}
	return c
}

func fileWith(t *testing.T, cloudName, group string, rules []map[string]any) []byte {
	t.Helper()
	g := map[string]any{"cloud": cloudName, "id": group, "region": mockcloud.ClientSettings(cloudName)["region"], "status": "Available", "rules": rules}
	if cloudName == "alicloud" {
		g["vpc_id"] = "vpc-main"
	}
	b, err := json.MarshalIndent(map[string]any{"groups": []any{g}}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var reviewClouds = []struct{ cloud, group string }{
	{"zenlayer", "zl-web"}, {"alicloud", "sg-web"}, {"baiducloud", "g-web"}, {"ens", "sg-ens-web"},
}

// No cloud holds the same rule twice: each authorize of a rule already
// there fails (Zenlayer OPERATION_DENIED_SECURITY_GROUP_EXIST_REPEAT_RULE,
// BCC SecurityGroup.RuleDuplicated, ENS SecurityGroupRuleConflict.Duplicated)
// or adds nothing (ECS). A fixtures file with a rule twice (under two ids,
// or, for ENS, which has none, twice as such) describes a cloud that
// cannot be, and the guide says such a file "stops it".
func TestReviewFixturesRefuseTheSameRuleTwice(t *testing.T) {
	for _, tc := range reviewClouds {
		t.Run(tc.cloud, func(t *testing.T) {
			r := oneStoredRule(t, tc.cloud, tc.group)
			file := fileWith(t, tc.cloud, tc.group, []map[string]any{variant(tc.cloud, r, 1, 0), variant(tc.cloud, r, 2, 0)})
			if _, err := mockcloud.ParseGroups("f.json", file); err == nil {
				t.Fatalf("a group holding the same rule twice (ids aside) was accepted: %.300s...", file)
			}
		})
	}
}

// Each cloud's authorize refuses a rule past its quota (Zenlayer 20 per
// direction, ECS 200, BCC 50 per direction, ENS 100); a fixtures file may
// not hold more.
func TestReviewFixturesRefuseMoreRulesThanTheQuota(t *testing.T) {
	quota := map[string]int{"zenlayer": 20, "alicloud": 200, "baiducloud": 50, "ens": 100}
	for _, tc := range reviewClouds {
		t.Run(tc.cloud, func(t *testing.T) {
			r := oneStoredRule(t, tc.cloud, tc.group)
			var rules []map[string]any
			for i := range quota[tc.cloud] + 1 {
				rules = append(rules, variant(tc.cloud, r, i, 1000+i))
			}
			file := fileWith(t, tc.cloud, tc.group, rules)
			if _, err := mockcloud.ParseGroups("f.json", file); err == nil {
				t.Fatalf("%d ingress rules in one %s group were accepted; its authorize stops at %d", len(rules), tc.cloud, quota[tc.cloud])
			}
		})
	}
}

// ECS's peer is the source of an ingress rule (its authorize answers
// MissingParameter "SourceGroupId or SourceCidrIp cannot be both blank"
// otherwise); alicloud.DecodeRule only checks that some peer is named, so
// an ingress rule whose only address is DestCidrIp is accepted.
func TestReviewFixturesRefuseAnECSIngressRuleWithoutSource(t *testing.T) {
	r := oneStoredRule(t, "alicloud", "sg-web")
	bad := variant("alicloud", r, 1, 0)
	bad["DestCidrIp"], bad["SourceCidrIp"] = bad["SourceCidrIp"], ""
	file := fileWith(t, "alicloud", "sg-web", []map[string]any{bad})
	if _, err := mockcloud.ParseGroups("f.json", file); err == nil {
		t.Fatalf("an ECS ingress rule with no source (only DestCidrIp) was accepted")
	}
}

// An ECS group is always in a region, and the front-end finds a group
// only in its region (InvalidSecurityGroupId.NotFound otherwise): a
// file's ECS group without one is accepted and then no call can reach it.
func TestReviewFixturesRefuseAnECSGroupWithoutRegion(t *testing.T) {
	f, err := mockcloud.ParseGroups("f.json", []byte(`{"groups":[{"cloud":"alicloud","id":"sg-x","rules":[]}]}`))
	if err == nil {
		m := startWith(t, f)
		backend, err := definitions["alicloud"]().Connect(context.Background(), mocktest.Settings("alicloud", m.URL))
		if err != nil {
			t.Fatal(err)
		}
		_, err = backend.Describe(context.Background(), "sg-x")
		t.Fatalf("an ECS group with no region was accepted; a describe of it then answers: %v", err)
	}
}

// A file with a closing bracket or brace too many is not JSON; the
// decoder's More() reports no further value before ']' or '}', so
// ParseGroups accepts it.
func TestReviewFixturesRefuseATrailingCloser(t *testing.T) {
	for _, file := range []string{"{\"groups\": []}\n}\n", "{\"groups\": []}\n]\n"} {
		if _, err := mockcloud.ParseGroups("f.json", []byte(file)); err == nil || !strings.Contains(err.Error(), "f.json:2:1") {
			t.Errorf("%q: %v, want an error at f.json:2:1", file, err)
		}
	}
}

// The column of an error counts characters, as editors show them: a
// multi-byte character before the error on its line does not move it.
func TestReviewFixturesErrorColumnCountsCharacters(t *testing.T) {
	file := "{\"groups\": [\n {\"cloud\": \"ens\", \"id\": \"sg-é\", \"vpc\": \"x\"}]}"
	_, err := mockcloud.ParseGroups("f.json", []byte(file))
	// 'é' is one character (two bytes); "vpc" starts at column 33.
	if err == nil || !strings.Contains(err.Error(), "f.json:2:33:") {
		t.Fatalf("%v, want f.json:2:33 (the key \"vpc\", counting é as one column)", err)
	}
}

// A value of the wrong type is reported where the value starts, not past
// it: `"id": 7` at column 25 of its line.
func TestReviewFixturesTypeErrorColumnAtTheValue(t *testing.T) {
	file := "{\"groups\": [\n {\"cloud\": \"ens\", \"id\": 7}]}"
	_, err := mockcloud.ParseGroups("f.json", []byte(file))
	if err == nil || !strings.Contains(err.Error(), "f.json:2:25:") {
		t.Fatalf("%v, want f.json:2:25 (the 7)", err)
	}
}

// An empty file (say, one mktemp made for --state) is refused with
// "f.json:1:1: EOF", which says neither that the file is empty nor what
// it should hold.
func TestReviewFixturesEmptyFileSaysSo(t *testing.T) {
	_, err := mockcloud.ParseGroups("f.json", []byte(""))
	if err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("%v, want an error saying the file is empty", err)
	}
}

// --state in a directory anyone may write (no sticky bit) is a shared
// place: others can remove or swap the file between runs (a run then
// starts silently from the fixtures). KeepState checks the file's owner
// and mode, not its directory's.
func TestReviewKeepStateRefusesADirectoryOthersMayWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	m := startWith(t, nil)
	if err := m.KeepState(filepath.Join(dir, "cloud.json")); err == nil {
		t.Fatal("KeepState in a directory anyone may write (mode 0777, not sticky) was accepted")
	}
}
