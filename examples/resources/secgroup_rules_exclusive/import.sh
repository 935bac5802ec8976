# <cloud>/<security_group_id>; the imported keep-list is every rule the group holds.
terraform import secgroup_rules_exclusive.web alicloud/sg-bp1fg655nh68xyz9i4fb
