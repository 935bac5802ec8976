mockcloud --listen 127.0.0.1:0 --fixtures tests/mockcloud-fixtures.json >mockcloud.log 2>&1 &
MOCKCLOUD_PID=$!
for _ in $(seq 100); do grep -q '^mockcloud listening on ' mockcloud.log && break; sleep 0.1; done
MOCKCLOUD_URL=$(sed -n 's/^mockcloud listening on //p' mockcloud.log)
# A file mockcloud cannot use stops it: say why rather than go on without it.
[ -n "$MOCKCLOUD_URL" ] || { cat mockcloud.log; exit 1; }
echo "mockcloud is at $MOCKCLOUD_URL"
