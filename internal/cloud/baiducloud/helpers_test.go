package baiducloud

import "github.com/baidubce/bce-sdk-go/bce"

func bceError(code string, status int) error {
	return bce.NewBceServiceError(code, "m", "req-1", status)
}
