package mockcloud_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/alicloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/apsarastack"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/baiducloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/ens"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/zenlayer"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/mockcloud/mocktest"
	"github.com/secgroup/terraform-provider-secgroup/internal/rule"
)

func getState(t *testing.T, m *mockcloud.Server) []byte {
	t.Helper()
	resp, err := http.Get(m.URL + "/_mock/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_mock/state: %d %v", resp.StatusCode, err)
	}
	return b
}

func post(t *testing.T, url, body string, want int) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d, want %d", url, resp.StatusCode, want)
	}
}

func startWith(t *testing.T, f *mockcloud.GroupsFile) *mockcloud.Server {
	t.Helper()
	m := mockcloud.New(mockcloud.Options{Fixtures: f})
	if err := m.Start("127.0.0.1:0", ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// Rules each cloud holds, made through the provider's own clients, so the
// state holds what the vendor calls stored (ids, creation times, stored
// spellings).
var roundTrip = []struct {
	cloud, group string
	rules        []rule.Rule
}{
	{"zenlayer", "zl-web", []rule.Rule{
		{Direction: "ingress", Protocol: "tcp", Ports: rule.PortRange{From: 80, To: 80}, CIDR: "0.0.0.0/0", Description: "web"},
		{Direction: "egress", Protocol: "udp", Ports: rule.PortRange{From: 53, To: 53}, CIDR: "10.0.0.0/8", Priority: 5}}},
	{"alicloud", "sg-web", []rule.Rule{
		{Direction: "ingress", Protocol: "tcp", Ports: rule.PortRange{From: 443, To: 443}, CIDR: "2001:db8::/32", Description: "v6"},
		{Direction: "ingress", Protocol: "tcp", Ports: rule.PortRange{From: 22, To: 22}, PeerGroupID: "sg-app", Policy: "drop", Priority: 7},
		{Direction: "egress", Protocol: "icmp", CIDR: "192.0.2.0/24"}}},
	{"baiducloud", "g-web", []rule.Rule{
		{Direction: "ingress", Protocol: "tcp", Ports: rule.PortRange{From: 8000, To: 8080}, CIDR: "192.0.2.1/32", Description: "one host"},
		{Direction: "egress", Protocol: "all", CIDR: "2001:db8::/48"}}},
	{"apsarastack", "sg-as-web", []rule.Rule{
		{Direction: "ingress", Protocol: "udp", Ports: rule.PortRange{From: 500, To: 4500}, CIDR: "198.51.100.0/24", SourcePorts: rule.PortRange{From: 1, To: 1024}}}},
	{"ens", "sg-ens-web", []rule.Rule{
		{Direction: "ingress", Protocol: "tcp", Ports: rule.PortRange{From: 22, To: 22}, CIDR: "203.0.113.0/24"},
		{Direction: "egress", Protocol: "gre", CIDR: "0.0.0.0/0", Policy: "drop", Priority: 9}}},
}

var definitions = map[string]func() cloud.Cloud{
	"zenlayer": zenlayer.Definition, "alicloud": alicloud.Definition, "baiducloud": baiducloud.Definition,
	"apsarastack": apsarastack.Definition, "ens": ens.Definition,
}

// A state saved as a fixtures file comes back as the same state, for every
// cloud: the groups, their rules with their ids, times and spellings.
func TestFixturesRoundTrip(t *testing.T) {
	for _, tc := range roundTrip {
		t.Run(tc.cloud, func(t *testing.T) {
			m := startWith(t, nil)
			backend, err := definitions[tc.cloud]().Connect(context.Background(), mocktest.Settings(tc.cloud, m.URL))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range tc.rules {
				if err := backend.Authorize(context.Background(), tc.group, []rule.Rule{r}, ""); err != nil {
					t.Fatalf("authorize %+v: %v", r, err)
				}
			}
			if got := len(mocktest.Rules(m, tc.cloud, tc.group)); got != len(tc.rules) {
				t.Fatalf("%d rules in %s, want %d", got, tc.group, len(tc.rules))
			}
			before := getState(t, m)
			f, err := mockcloud.ParseGroups("state.json", before)
			if err != nil {
				t.Fatalf("the state as fixtures: %v", err)
			}
			after := getState(t, startWith(t, f))
			if string(before) != string(after) {
				t.Fatalf("state -> fixtures -> state changed it:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// The file's groups are the cloud, instead of the built-in fixtures; a
// reset returns to them; a vendor call's new rule never takes a loaded
// rule's id.
func TestFixturesReplaceBuiltInsAndReset(t *testing.T) {
	f, err := mockcloud.ParseGroups("f.json", []byte(`{"groups":[
  {"cloud":"zenlayer","id":"zl-web","region":"","status":"Available","default":false,
   "rules":[{"ruleId":3,"direction":"ingress","policy":"accept","priority":1,"ipProtocol":"tcp","portRange":"443/443","cidrIp":"0.0.0.0/0","description":"https"}]},
  {"cloud":"ens","id":"sg-ens-extra","rules":[]}
]}`))
	if err != nil {
		t.Fatal(err)
	}
	m := startWith(t, f)
	check := func() {
		t.Helper()
		if r := mocktest.Rules(m, "zenlayer", "zl-web"); len(r) != 1 || r[0]["ruleId"] != 3.0 {
			t.Fatalf("zl-web: %v", r)
		}
		if g, ok := m.Store.FindGroup("ens", "sg-ens-extra"); !ok || g.Status != "Available" {
			t.Fatalf("sg-ens-extra: %+v %v", g, ok)
		}
		if groups := m.Store.Snapshot(); len(groups) != 2 {
			t.Fatalf("%d groups, want the file's 2 and none of the built-ins: %+v", len(groups), groups)
		}
	}
	check()
	m.Store.RemoveGroup("ens", "sg-ens-extra")
	m.Store.RemoveRule("zenlayer", "zl-web", func(int, any) bool { return true })
	post(t, m.URL+"/_mock/reset", "", http.StatusOK)
	check()
	backend, err := zenlayer.Definition().Connect(context.Background(), mocktest.Settings("zenlayer", m.URL))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		r := rule.Rule{Direction: "ingress", Protocol: "tcp", Ports: rule.PortRange{From: 1000 + i, To: 1000 + i}, CIDR: "10.0.0.0/8"}
		if err := backend.Authorize(context.Background(), "zl-web", []rule.Rule{r}, ""); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[any]bool{}
	for _, r := range mocktest.Rules(m, "zenlayer", "zl-web") {
		if ids[r["ruleId"]] {
			t.Fatalf("rule id %v twice in zl-web: %v", r["ruleId"], mocktest.Rules(m, "zenlayer", "zl-web"))
		}
		ids[r["ruleId"]] = true
	}
}

// A file the cloud could not hold, or that is not JSON of the state's
// shape, is refused with its name, line and column and what is wrong.
func TestFixturesErrors(t *testing.T) {
	zl := `{"ruleId":1,"direction":"ingress","policy":"accept","priority":1,"ipProtocol":"tcp","portRange":"22/22","cidrIp":"0.0.0.0/0","description":""}`
	for _, tc := range []struct{ name, file, want string }{
		{"syntax", "{\"groups\": [\n  {\"cloud\": \"ens\",\n   \"id\": \"a\",,\n", `f.json:3:15: invalid character ','`},
		{"truncated", "{\"groups\": [\n  {\"cloud\": \"ens\"", `f.json:2:18: unexpected EOF`},
		{"type", "{\"groups\": [\n {\"cloud\": \"ens\", \"id\": 7}]}", `f.json:2:25: group 0: json: cannot unmarshal number`},
		{"unknown group field", "{\"groups\": [\n {\"cloud\": \"ens\",\n  \"vpc\": \"x\", \"id\": \"a\"}]}", `f.json:3:3: group 0: json: unknown field "vpc"`},
		{"unknown top field", "{\"group\": []}", `f.json:1:2: json: unknown field "group"`},
		{"no groups", "{}", `f.json:1:1: want {"groups"`},
		{"unknown cloud", "{\"groups\": [\n {\"cloud\": \"aws\", \"id\": \"a\"}]}", `f.json:2:2: group 0: cloud "aws": want one of zenlayer, alicloud, baiducloud, apsarastack, ens`},
		{"no id", `{"groups": [{"cloud": "ens"}]}`, `group 0: no id`},
		{"duplicate group", "{\"groups\": [\n {\"cloud\": \"ens\", \"id\": \"a\"},\n {\"cloud\": \"ens\", \"id\": \"a\"}]}", `f.json:3:2: group ens/a again (first at line 2)`},
		{"rule field", "{\"groups\": [{\"cloud\": \"zenlayer\", \"id\": \"z\", \"rules\": [\n" + strings.Replace(zl, `"cidrIp"`, `"cidr"`, 1) + "]}]}", `f.json:2:`},
		{"rule value", "{\"groups\": [{\"cloud\": \"zenlayer\", \"id\": \"z\", \"rules\": [\n" + strings.Replace(zl, `"0.0.0.0/0"`, `"::/0"`, 1) + "]}]}", `f.json:2:1: group zenlayer/z rule 0: cidrIp "::/0" must be an IPv4 CIDR block or address`},
		{"rule ports", "{\"groups\": [{\"cloud\": \"zenlayer\", \"id\": \"z\", \"rules\": [\n" + strings.Replace(zl, `"22/22"`, `"22"`, 1) + "]}]}", `portRange "22": Zenlayer describes it "22/22"`},
		{"rule id twice", "{\"groups\": [{\"cloud\": \"zenlayer\", \"id\": \"z\", \"rules\": [\n" + zl + ",\n" + strings.Replace(zl, "22/22", "80/80", 1) + "]}]}", `f.json:3:1: group zenlayer/z rule 1: rule id 1 again (first at line 2)`},
		{"ecs no region", "{\"groups\": [\n {\"cloud\": \"apsarastack\", \"id\": \"s\"}]}", `f.json:2:2: group 0: apsarastack/s has no region`},
		{"ecs rule", `{"groups": [{"cloud": "alicloud", "id": "s", "region": "cn-hangzhou", "rules": [{"SecurityGroupRuleId": "sgr-1", "Direction": "in"}]}]}`, `the Direction "in": want ingress or egress`},
		{"bcc rule", `{"groups": [{"cloud": "baiducloud", "id": "g", "rules": [{"id": "r-1", "direction": "ingress", "protocol": "tcp", "portRange": "22", "sourceIp": "10.0.0.1/8"}]}]}`, `Security group rule ip(cidr) address is incorrect`},
		{"ens rule", `{"groups": [{"cloud": "ens", "id": "e", "rules": [{"Direction": "ingress", "IpProtocol": "tcp", "PortRange": "22/22", "SourceCidrIp": "0.0.0.0/0", "Policy": "Accept", "Priority": 1}]}]}`, `ENS describes it as`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mockcloud.ParseGroups("f.json", []byte(tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// --state keeps the cloud: what a vendor call or the control API changed
// is in the file at once, a new server starts from it, and a reset goes
// back to the fixtures (and is saved too).
func TestKeepState(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cloud.json")
	m := startWith(t, nil)
	if err := m.KeepState(path); err != nil {
		t.Fatal(err)
	}
	backend, err := ens.Definition().Connect(context.Background(), mocktest.Settings("ens", m.URL))
	if err != nil {
		t.Fatal(err)
	}
	if err := backend.Authorize(context.Background(), "sg-ens-web", []rule.Rule{{Direction: "ingress", Protocol: "tcp", Ports: rule.PortRange{From: 22, To: 22}, CIDR: "10.0.0.0/8"}}, ""); err != nil {
		t.Fatal(err)
	}
	saved, err := os.ReadFile(path)
	if err != nil || string(saved) == "" {
		t.Fatal(err)
	}
	var st struct{ Groups []json.RawMessage }
	if err := json.Unmarshal(saved, &st); err != nil || !strings.Contains(string(saved), `"SourceCidrIp": "10.0.0.0/8"`) {
		t.Fatalf("the saved state lacks the new rule: %v\n%s", err, saved)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
	post(t, m.URL+"/_mock/groups", `{"cloud":"ens","id":"sg-new"}`, http.StatusCreated)
	_ = m.Close()

	again := startWith(t, nil)
	if err := again.KeepState(path); err != nil {
		t.Fatal(err)
	}
	if _, ok := again.Store.FindGroup("ens", "sg-new"); !ok || len(mocktest.Rules(again, "ens", "sg-ens-web")) != 1 {
		t.Fatalf("the second run did not start from the saved cloud:\n%s", getState(t, again))
	}
	post(t, again.URL+"/_mock/reset", "", http.StatusOK)
	if saved, _ := os.ReadFile(path); strings.Contains(string(saved), "sg-new") {
		t.Fatal("the reset was not saved")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
}

// A state path that is a link, or a file others may write, is not read.
func TestKeepStateRefusesHostileFiles(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere.json")
	if err := os.WriteFile(target, []byte(`{"groups":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := startWith(t, nil).KeepState(link); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("a link: %v", err)
	}
	open := filepath.Join(dir, "open.json")
	if err := os.WriteFile(open, []byte(`{"groups":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := startWith(t, nil).KeepState(open); err == nil || !strings.Contains(err.Error(), "writable by other users") {
		t.Fatalf("a file others may write: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != `{"groups":[]}` {
		t.Fatalf("the link's target was written: %s", b)
	}
}

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
		c["SecurityGroupRuleId"] = fmt.Sprintf("sgr-variant%06d", n)
	case "baiducloud":
		c["securityGroupRuleId"], c["id"] = fmt.Sprintf("r-variant%06d", n), fmt.Sprintf("r-variant%06d", n)
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

var fixtureClouds = []struct{ cloud, group string }{
	{"zenlayer", "zl-web"}, {"alicloud", "sg-web"}, {"baiducloud", "g-web"}, {"ens", "sg-ens-web"},
}

// No cloud holds the same rule twice: each authorize of a rule already
// there fails (Zenlayer OPERATION_DENIED_SECURITY_GROUP_EXIST_REPEAT_RULE,
// BCC SecurityGroup.RuleDuplicated, ENS SecurityGroupRuleConflict.Duplicated)
// or adds nothing (ECS). A fixtures file with a rule twice (under two ids,
// or, for ENS, which has none, twice as such) describes a cloud that
// cannot be, and is refused (found in review).
func TestFixturesRefuseTheSameRuleTwice(t *testing.T) {
	for _, tc := range fixtureClouds {
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
// not hold more (found in review).
func TestFixturesRefuseMoreRulesThanTheQuota(t *testing.T) {
	quota := map[string]int{"zenlayer": 20, "alicloud": 200, "baiducloud": 50, "ens": 100}
	for _, tc := range fixtureClouds {
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
// otherwise): a fixtures ingress rule whose only address is DestCidrIp is
// refused (found in review: any address passed).
func TestFixturesRefuseAnECSIngressRuleWithoutSource(t *testing.T) {
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
// file's ECS group without one, which no call could reach, is refused
// (found in review).
func TestFixturesRefuseAnECSGroupWithoutRegion(t *testing.T) {
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

// A file with a closing bracket or brace too many is not JSON (found in
// review: the decoder's More() reports no further value before ']' or
// '}', and ParseGroups accepted it).
func TestFixturesRefuseATrailingCloser(t *testing.T) {
	for _, file := range []string{"{\"groups\": []}\n}\n", "{\"groups\": []}\n]\n"} {
		if _, err := mockcloud.ParseGroups("f.json", []byte(file)); err == nil || !strings.Contains(err.Error(), "f.json:2:1") {
			t.Errorf("%q: %v, want an error at f.json:2:1", file, err)
		}
	}
}

// The column of an error counts characters, as editors show them: a
// multi-byte character before the error on its line does not move it
// (found in review: columns counted bytes).
func TestFixturesErrorColumnCountsCharacters(t *testing.T) {
	file := "{\"groups\": [\n {\"cloud\": \"ens\", \"id\": \"sg-é\", \"vpc\": \"x\"}]}"
	_, err := mockcloud.ParseGroups("f.json", []byte(file))
	// 'é' is one character (two bytes); "vpc" starts at column 33.
	if err == nil || !strings.Contains(err.Error(), "f.json:2:33:") {
		t.Fatalf("%v, want f.json:2:33 (the key \"vpc\", counting é as one column)", err)
	}
}

// A value of the wrong type is reported where the value starts, not past
// it: `"id": 7` at column 25 of its line (found in review).
func TestFixturesTypeErrorColumnAtTheValue(t *testing.T) {
	file := "{\"groups\": [\n {\"cloud\": \"ens\", \"id\": 7}]}"
	_, err := mockcloud.ParseGroups("f.json", []byte(file))
	if err == nil || !strings.Contains(err.Error(), "f.json:2:25:") {
		t.Fatalf("%v, want f.json:2:25 (the 7)", err)
	}
}

// An empty file says so, and what it should hold (found in review: it
// said "f.json:1:1: EOF").
func TestFixturesEmptyFileSaysSo(t *testing.T) {
	_, err := mockcloud.ParseGroups("f.json", []byte(""))
	if err == nil || !strings.Contains(err.Error(), "empty") || !strings.Contains(err.Error(), `{"groups": [`) {
		t.Fatalf("%v, want an error saying the file is empty and what it wants", err)
	}
}
