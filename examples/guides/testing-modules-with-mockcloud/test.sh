terraform test -var "mockcloud_url=$MOCKCLOUD_URL"
curl -sS "$MOCKCLOUD_URL/_mock/calls" | jq -r '.[] | "\(.cloud) \(.action) \(.status)"'
curl -sS "$MOCKCLOUD_URL/_mock/state" | jq -c '.groups[] | select(.id | test("shop")) | {cloud, id, rules: (.rules | length)}'
