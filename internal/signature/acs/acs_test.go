package acs

import "testing"

// Vectors from Alibaba Cloud's signature documentation (V1: the
// RPC signature example; V3: the ACS3-HMAC-SHA256 example).

func TestV1DocVector(t *testing.T) {
	params := map[string]string{
		"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
		"SignatureMethod": "HMAC-SHA1", "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
		"SignatureVersion": "1.0", "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26",
	}
	wantSTS := "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
	sts := V1StringToSign("GET", params)
	if sts != wantSTS {
		t.Fatalf("string to sign:\n got %s\nwant %s", sts, wantSTS)
	}
	if got := V1Sign(sts, "testsecret"); got != "OLeaidS1JvxuMvnyHOwuJ+uX5qY=" {
		t.Fatalf("signature %s", got)
	}
}

func TestV1DarabonbaVector(t *testing.T) {
	if got := V1Sign(V1StringToSign("", map[string]string{"test": "ok"}), "accessKeySecret"); got != "jHx/oHoHNrbVfhncHEvPdHXZwHU=" {
		t.Fatalf("signature %s", got)
	}
}

func TestV1CapturedSDKRequest(t *testing.T) {
	params := map[string]string{
		"AccessKeyId": "testid", "Action": "AuthorizeSecurityGroup", "Format": "JSON",
		"Permissions.1.IpProtocol": "tcp", "Permissions.1.Policy": "accept", "Permissions.1.PortRange": "22/22",
		"Permissions.1.Priority": "1", "Permissions.1.SourceCidrIp": "10.0.0.0/8", "RegionId": "cn-hangzhou",
		"SecurityGroupId": "sg-test", "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "d8271b65610bf5b24f018e780182a7ba",
		"SignatureType": "", "SignatureVersion": "1.0", "Timestamp": "2026-11-21T13:55:25Z", "Version": "2014-05-26",
	}
	if got := V1Sign(V1StringToSign("POST", params), "testsecret"); got != "+TCxrgRK/1bUS+YAefTM+y/59zM=" {
		t.Fatalf("signature %s", got)
	}
}

func TestV3DocVector(t *testing.T) {
	r := V3Request{
		Method: "POST", Path: "/",
		Query: map[string]string{"ImageId": "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd", "RegionId": "cn-shanghai"},
		Headers: map[string]string{
			"host": "ecs.cn-shanghai.aliyuncs.com", "x-acs-action": "RunInstances",
			"x-acs-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			"x-acs-date":           "2023-10-26T10:22:32Z", "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
			"x-acs-version": "2014-05-26",
		},
		SignedHeaders: []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"},
		PayloadHash:   SHA256Hex(nil),
	}
	if got := V3Sign(V3CanonicalRequest(r), "YourAccessKeySecret"); got != "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0" {
		t.Fatalf("signature %s", got)
	}
}

func TestV3CapturedTeaRequest(t *testing.T) {
	r := V3Request{
		Method: "POST", Path: "/",
		Query: map[string]string{
			"Permissions.1.IpProtocol": "TCP", "Permissions.1.Policy": "accept", "Permissions.1.PortRange": "22/22",
			"Permissions.1.Priority": "1", "Permissions.1.SourceCidrIp": "10.0.0.0/8", "RegionId": "cn-hangzhou", "SecurityGroupId": "sg-test",
		},
		Headers: map[string]string{
			"host": "127.0.0.1:43729", "x-acs-action": "AuthorizeSecurityGroup", "x-acs-content-sha256": SHA256Hex(nil),
			"x-acs-credentials-provider": "static_ak", "x-acs-date": "2026-11-21T13:55:43Z",
			"x-acs-signature-nonce": "5e0813f97f1a14d439d8531843379b9c", "x-acs-version": "2014-05-26",
		},
		SignedHeaders: []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-credentials-provider", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"},
		PayloadHash:   SHA256Hex(nil),
	}
	if got := V3Sign(V3CanonicalRequest(r), "testsecret"); got != "246d308a8b451f792a278180721ce260e879c5180ae0a3622402333b5bdebcc4" {
		t.Fatalf("signature %s", got)
	}
}
