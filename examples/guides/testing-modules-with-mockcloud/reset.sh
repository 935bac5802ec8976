curl -sS -X POST "$MOCKCLOUD_URL/_mock/reset"
curl -sS "$MOCKCLOUD_URL/_mock/calls"
curl -sS "$MOCKCLOUD_URL/_mock/state" | jq -c '.groups[] | select(.id == "sg-shop-web") | .rules[] | {SecurityGroupRuleId, PortRange, SourceCidrIp}'
