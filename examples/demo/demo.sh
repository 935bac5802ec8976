#!/usr/bin/env bash
# make demo: build the provider, start mockcloud, then terraform apply, plan
# and destroy examples/demo with no cloud account, showing the mock's state.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$root/.demo
terraform=${TERRAFORM:-terraform}
rm -rf "$work" && mkdir -p "$work/bin" "$work/tf"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "building the provider and mockcloud"
(cd "$root" && go build -o "$work/bin/terraform-provider-secgroup" . && go build -o "$work/mockcloud" ./internal/mockcloud/cmd/mockcloud)

step "starting mockcloud on a free port"
"$work/mockcloud" --listen 127.0.0.1:0 >"$work/mockcloud.log" 2>&1 &
mock_pid=$!
trap 'kill $mock_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  url=$(sed -n 's/^mockcloud listening on //p' "$work/mockcloud.log")
  [ -n "$url" ] && break
  kill -0 $mock_pid 2>/dev/null || { cat "$work/mockcloud.log"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "mockcloud did not start"; exit 1; }
echo "mockcloud at $url"

# terraform init needs a registry; dev_overrides points Terraform at the
# freshly built provider instead, so init is skipped. OpenTofu resolves
# secgroup/secgroup to registry.opentofu.org, so both hosts are named.
cat >"$work/terraform.tfrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/secgroup/secgroup"  = "$work/bin"
    "registry.opentofu.org/secgroup/secgroup" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE=$work/terraform.tfrc TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
cp "$root/examples/demo/main.tf" "$work/tf/"
cd "$work/tf"

# rules prints the rules the mock holds in the groups the demo touches
# (fixture groups such as Zenlayer's default group hold rules of their own).
rules() {
  curl -fsS "$url/_mock/state" | python3 -c '
import json, sys
groups = {"sg-web", "sg-db", "zl-web", "g-web", "g-db", "sg-as-web", "sg-ens-web"}
for g in json.load(sys.stdin)["groups"]:
    if g["id"] not in groups:
        continue
    for r in g["rules"]:
        if g["cloud"] == "zenlayer":
            row = (r["direction"], r["ipProtocol"], r["portRange"], r["cidrIp"], r["policy"], r["ruleId"])
        elif g["cloud"] == "ens":
            row = (r["Direction"], r["IpProtocol"], r["PortRange"], r["SourceCidrIp"] or r["DestCidrIp"], r["Policy"], "(no rule ids)")
        elif g["cloud"] == "baiducloud":
            peer = r["sourceIp"] or r["sourceGroupId"] or r["destIp"] or r["destGroupId"]
            row = (r["direction"], r["protocol"], r["portRange"], peer, "-", r["securityGroupRuleId"])
        else:
            peer = r.get("SourceCidrIp") or r.get("Ipv6SourceCidrIp") or r.get("SourceGroupId") or r.get("DestCidrIp") or r.get("Ipv6DestCidrIp")
            row = (r["Direction"], r["IpProtocol"], r["PortRange"], peer, r["Policy"], r["SecurityGroupRuleId"])
        print("  %-11s %-9s %-7s %-6s %-10s %-16s %-6s %s" % ((g["cloud"], g["id"]) + row))
' || true
}
count() {
  curl -fsS "$url/_mock/state" | python3 -c 'import json,sys; print(sum(len(g["rules"]) for g in json.load(sys.stdin)["groups"]))'
}
before=$(count)

echo "CLI: $("$terraform" version | head -1)"
step "terraform apply"
"$terraform" apply -auto-approve -input=false -var "endpoint=$url"
step "rules in the mock cloud"
rules

step "terraform plan (expect no changes)"
"$terraform" plan -input=false -detailed-exitcode -var "endpoint=$url"

step "terraform destroy"
"$terraform" destroy -auto-approve -input=false -var "endpoint=$url"
step "rules in the mock cloud after destroy (expect none)"
rules
left=$(count)
calls=$(curl -fsS "$url/_mock/calls" | python3 -c 'import json,sys; c=json.load(sys.stdin); print(len(c), "vendor calls:", ", ".join(sorted(set(x["action"] for x in c))))')
echo "  $calls"
[ "$left" = "$before" ] || { echo "demo failed: the mock holds $left rules, $before before apply"; exit 1; }
step "demo finished: apply, plan and destroy ran against mockcloud"
