package main

import (
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"

	"maeul/web"
)

// Config is everything the service is told from outside: flags first, then
// the environment, then defaults.
type Config struct {
	Addr        string
	BaseURL     string
	DatabaseURL string
	DataDir     string
	Demo        bool
	LogJSON     bool
	// TrustedProxy is the --trusted-proxy text; TrustedProxies its parse.
	TrustedProxy   string
	TrustedProxies []netip.Prefix
	MetricsToken   string
	// SecretFile is the service secret's file (MAEUL_SECRET_FILE).
	SecretFile string
	// MixK is the least number of ballots mixed together (MAEUL_MIX_K).
	MixK int
}

func envInt(key string, def int) int {
	if v := os.Getenv(key); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
		return -1 // refused by validate, with the variable's name
	}
	return def
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// parseServe reads the serve command's flags. Every bad value stops the
// start with a one-line message that says what to fix.
func parseServe(args []string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", envOr("MAEUL_ADDR", "127.0.0.1:8080"), "address to listen on (MAEUL_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", os.Getenv("MAEUL_BASE_URL"), "public URL that QR codes point to (MAEUL_BASE_URL)")
	fs.StringVar(&c.DatabaseURL, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL; empty starts a private cluster (DATABASE_URL)")
	fs.StringVar(&c.DataDir, "data", "", "folder of the private PostgreSQL cluster (MAEUL_DATA)")
	fs.StringVar(&c.SecretFile, "secret-file", os.Getenv("MAEUL_SECRET_FILE"), "the service secret's file, the same on every instance; created on first start (MAEUL_SECRET_FILE; default: secret beside the private cluster's folder)")
	fs.IntVar(&c.MixK, "mix-k", envInt("MAEUL_MIX_K", 10), "the least number of ballots mixed together, the anonymity set of a ballot (MAEUL_MIX_K)")
	fs.BoolVar(&c.Demo, "demo", false, "load a demo assembly and print its URLs and the demo host's login")
	fs.StringVar(&c.TrustedProxy, "trusted-proxy", os.Getenv("MAEUL_TRUSTED_PROXIES"), "CIDRs of the reverse proxies whose X-Forwarded-For/-Proto are believed, comma-separated (MAEUL_TRUSTED_PROXIES)")
	fs.StringVar(&c.MetricsToken, "metrics-token", os.Getenv("MAEUL_METRICS_TOKEN"), "Bearer token that opens /metrics to non-loopback clients (MAEUL_METRICS_TOKEN)")
	fs.BoolVar(&c.LogJSON, "log-json", os.Getenv("MAEUL_LOG") == "json", "write logs as JSON (MAEUL_LOG=json)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	if c.MixK < 1 || c.MixK > 1000 {
		return fmt.Errorf("MAEUL_MIX_K/--mix-k must be a whole number from 1 to 1000 (10 is the default; below 10 weakens ballot secrecy)")
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || port == "" {
		return fmt.Errorf("MAEUL_ADDR/--addr %q is not host:port (e.g. 127.0.0.1:8080)", c.Addr)
	}
	if c.BaseURL == "" {
		h := host
		if h == "" || h == "0.0.0.0" || h == "::" {
			h = "127.0.0.1"
		}
		c.BaseURL = "http://" + net.JoinHostPort(h, port)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return fmt.Errorf("MAEUL_BASE_URL/--base-url %q must be an http(s) URL like https://maeul.seoul.go.kr", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	ps, err := web.ParseTrustedProxies(c.TrustedProxy)
	if err != nil {
		return fmt.Errorf("MAEUL_TRUSTED_PROXIES/--trusted-proxy: %v", err)
	}
	c.TrustedProxies = ps
	if c.DatabaseURL != "" && !strings.Contains(c.DatabaseURL, "://") && !strings.Contains(c.DatabaseURL, "=") {
		return fmt.Errorf("DATABASE_URL must be a postgres:// URL or a key=value string")
	}
	return nil
}
