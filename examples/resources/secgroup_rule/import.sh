# By the cloud's own rule id, where the cloud has rule ids (ECS sgr-...):
terraform import secgroup_rule.ssh 'alicloud/sg-bp1fg655nh68xyz9i4fb/sgr-bp12kewq32dfwrdi0abc'

# By content: direction, protocol, port range, CIDR, then name=value pairs
# for anything else (policy, priority, nic_type, peer_security_group_id, ...).
terraform import secgroup_rule.https_v6 'alicloud/sg-bp1fg655nh68xyz9i4fb/ingress,tcp,443,2001:db8::/32,priority=10'

# Zenlayer rule ids are numbers (ruleId in DescribeSecurityGroups):
terraform import secgroup_rule.zenlayer_https 'zenlayer/1234567890123456789/120'
