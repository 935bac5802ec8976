# <cloud>/<security_group_id>/<rule>;<rule>;... where each <rule> is the last part of a
# secgroup_rule id: the rule id, or the content (direction,protocol,port_range,cidr[,name=value...]).
# The keys are made from each rule's content (ingress_tcp_443_from_203_0_113_0_24).
terraform import secgroup_rule_set.cdn 'alicloud/sg-bp1fg655nh68xyz9i4fb/sgr-bp1hv0f5pyw1ha7tflma;sgr-bp1hv0f5pyw1ha7tflmb'
