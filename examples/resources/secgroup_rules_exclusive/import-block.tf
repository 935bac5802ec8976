# Importing rather than creating the resource revokes in the first apply:
# the import reads the group, and the same plan lists what it revokes.
import {
  to = secgroup_rules_exclusive.web
  id = "alicloud/sg-bp1fg655nh68xyz9i4fb"
}
