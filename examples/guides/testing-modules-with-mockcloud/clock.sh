curl -sS -X POST "$MOCKCLOUD_URL/_mock/clock" -d '{"offset_seconds": 1200}'
terraform test -var "mockcloud_url=$MOCKCLOUD_URL" >clock.log 2>&1 || grep -o -m1 "InvalidTimeStamp.Expired" clock.log
curl -sS -X POST "$MOCKCLOUD_URL/_mock/clock" -d '{"offset_seconds": 0}'
