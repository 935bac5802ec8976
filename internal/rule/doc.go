// Package rule is the portable, vendor-neutral model of one security group
// rule: its attributes in canonical form, the parsers that produce them from
// user input, and the codec of the resource's import id.
//
// Every cloud package translates between this model and its own wire format,
// so the Terraform resource never sees a vendor spelling.
package rule
