package main

import (
	"strings"
	"testing"
)

func TestTrustedProxyFlag(t *testing.T) {
	c, err := parseServe([]string{"--trusted-proxy", "127.0.0.1/32, 10.0.0.0/8"})
	if err != nil || len(c.TrustedProxies) != 2 {
		t.Fatalf("%v %v", c.TrustedProxies, err)
	}
	t.Setenv("MAEUL_TRUSTED_PROXIES", "10.0.0.0/99")
	_, err = parseServe(nil)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "--trusted-proxy") {
		t.Fatalf("a bad CIDR: %v, want one line naming the setting", err)
	}
}
