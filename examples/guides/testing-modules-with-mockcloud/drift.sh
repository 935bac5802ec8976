export TF_VAR_cloud=alicloud TF_VAR_security_group_id=sg-shop-web
terraform apply -auto-approve
rule=$(terraform output -json rule_ids | jq -r '."tcp 80 from 0.0.0.0/0"' | cut -d/ -f3)
curl -sS -X DELETE "$MOCKCLOUD_URL/_mock/groups/alicloud/sg-shop-web/rules/$rule"
terraform plan -detailed-exitcode || echo "terraform plan exit code: $?"
terraform apply -auto-approve
terraform destroy -auto-approve
