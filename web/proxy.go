package web

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Behind a reverse proxy every request's peer is the proxy. The client's
// address and scheme then come from X-Forwarded-For and X-Forwarded-Proto —
// but only when the peer is a proxy the operator named (--trusted-proxy):
// anyone else could write those headers, and a rate limit keyed on a
// header the client chooses limits nothing.

// ParseTrustedProxies reads "10.0.0.0/8, 127.0.0.1" (CIDRs or single
// addresses, comma-separated). An empty string trusts no proxy.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR like 10.0.0.0/8 or an address like 127.0.0.1", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

const localPeer = "maeul.peer"

// peerInfo is what the middleware learns about the request's origin once.
type peerInfo struct {
	ip      string
	https   bool
	proxied bool // the peer is a trusted proxy
	direct  netip.Addr
}

func trusted(list []netip.Prefix, a netip.Addr) bool {
	for _, p := range list {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseHop reads one X-Forwarded-For entry: an address, perhaps with a
// port ("1.2.3.4:5", "[::1]:5").
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

func resolvePeer(c *fiber.Ctx, proxies []netip.Prefix) *peerInfo {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	peer = peer.Unmap()
	info := &peerInfo{ip: peer.String(), https: c.Context().IsTLS(), direct: peer}
	if !peer.IsValid() || !trusted(proxies, peer) {
		return info
	}
	info.proxied = true
	// The right-most address that is not itself a trusted proxy is the
	// client: everything left of it was written by the client and may be
	// anything.
	var hops []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(v), ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break // garbage: keep the last address a trusted hop vouched for
		}
		info.ip = a.String()
		if !trusted(proxies, a) {
			break
		}
	}
	if p := c.Request().Header.Peek(fiber.HeaderXForwardedProto); len(p) > 0 {
		first, _, _ := strings.Cut(string(p), ",")
		info.https = strings.EqualFold(strings.TrimSpace(first), "https")
	}
	return info
}

func peerOf(c *fiber.Ctx) *peerInfo {
	if p, ok := c.Locals(localPeer).(*peerInfo); ok {
		return p
	}
	// Outside NewApp's middleware (a bare app in a test): trust no proxy.
	p := resolvePeer(c, nil)
	c.Locals(localPeer, p)
	return p
}

// ClientIP is the client's address: the peer's, or, when the peer is a
// trusted proxy, the one X-Forwarded-For names.
func ClientIP(c *fiber.Ctx) string { return peerOf(c).ip }

// IsHTTPS reports whether the client spoke https: TLS to this process, or
// X-Forwarded-Proto: https from a trusted proxy.
func IsHTTPS(c *fiber.Ctx) bool { return peerOf(c).https }

// IsLoopback reports whether the request came straight from this machine —
// not through a proxy (a proxied request is never loopback, even when the
// proxy runs on this machine).
func IsLoopback(c *fiber.Ctx) bool {
	p := peerOf(c)
	return !p.proxied && p.direct.IsLoopback()
}

// SecureCookie is whether a cookie set on this response gets the Secure
// flag: the service's public URL is https, or this request came over https.
func SecureCookie(c *fiber.Ctx) bool {
	if s, ok := c.Locals(localSecureBase).(bool); ok && s {
		return true
	}
	return IsHTTPS(c)
}

const localSecureBase = "maeul.securebase"
