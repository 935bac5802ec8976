package alicloud

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/secgroup/terraform-provider-secgroup/internal/cloud"
	"github.com/secgroup/terraform-provider-secgroup/internal/cloud/ecsrules"
)

// codes are the ECS error codes whose meaning names the alicloud block's
// settings; every rule-level code is in ecsrules.Codes.
var codes = ecsrules.SettingCodes("alicloud", "ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_REGION")

// classify turns an SDK error into a *cloud.Error. direction says which
// side of the rule the source/destination codes refer to.
func classify(action string, err error, direction string) error {
	if err == nil {
		return nil
	}
	e, answered := FromSDK(Name, action, err)
	if answered {
		ecsrules.Classify(e, direction, codes)
	}
	return e
}

// FromSDK turns an error of the Alibaba SDK into a *cloud.Error of the
// named cloud: with the vendor's code, message, request id and status
// when the cloud answered (answered is true; the caller classifies the
// code), or a transient error without the signed URL when it did not.
func FromSDK(cloudName, action string, err error) (e *cloud.Error, answered bool) {
	e = &cloud.Error{Cloud: cloudName, Action: action}
	var server *sdkerrors.ServerError
	if !errors.As(err, &server) {
		// No answer: refused or dropped connections, timeouts.
		e.Kind, e.Err = cloud.KindTransient, scrubURL(err)
		return e, false
	}
	e.Code, e.Message, e.RequestID, e.Status = server.ErrorCode(), firstLine(server.Message()), server.RequestId(), server.HttpStatus()
	return e, true
}

// scrubURL drops the query string from a transport error: ECS puts the
// access key id and signature there, and errors end up in diagnostics.
func scrubURL(err error) error {
	var u *url.Error
	if !errors.As(err, &u) {
		return err
	}
	target := u.URL
	if parsed, perr := url.Parse(u.URL); perr == nil {
		target = parsed.Scheme + "://" + parsed.Host + parsed.Path
	}
	return fmt.Errorf("%s %s: %w", u.Op, target, u.Err)
}

// firstLine keeps messages short: SignatureDoesNotMatch carries the
// server's whole string to sign, which only helps SDK developers.
func firstLine(s string) string {
	if i := strings.Index(s, " server string to sign is:"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
