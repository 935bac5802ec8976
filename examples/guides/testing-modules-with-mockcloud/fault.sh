curl -sS -X POST "$MOCKCLOUD_URL/_mock/faults" -d '[
  {"cloud": "alicloud", "action": "AuthorizeSecurityGroup", "throttle": 2},
  {"cloud": "alicloud", "action": "RevokeSecurityGroup", "server_error": 1}]'
terraform test -var "mockcloud_url=$MOCKCLOUD_URL"
curl -sS "$MOCKCLOUD_URL/_mock/calls" | jq -c '.[] | select(.fault) | {cloud, action, status, code, fault}'
