// Package engine drives the clouds' backends for the resource: a Client
// per cloud and account runs each rule's create, read, update and delete;
// Groups, one coordinator per provider process, makes their cost grow with
// security groups rather than rules (one describe per group shared by its
// reads, writes gathered into batches, read-backs shared), retries what
// may pass (Retry), checks quotas at plan time (PlanQuota) and keeps this
// machine's provider processes in step (MachineLocks). Connections turns
// each cloud's configuration, as the provider resolved it, into clients. Its settings are handed in (Settings):
// Production for the provider, faster ones in tests.
package engine
