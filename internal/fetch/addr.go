package fetch

import (
	"fmt"
	"net/netip"
	"syscall"
)

// blockedPrefixes are ranges netip's predicates do not cover but that still
// reach the operator's own network or nothing public at all.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // CGNAT shared space
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, includes broadcast
	netip.MustParsePrefix("fc00::/7"),        // IPv6 unique local (ULA)
	netip.MustParsePrefix("fec0::/10"),       // deprecated IPv6 site-local
	netip.MustParsePrefix("100::/64"),        // IPv6 discard
	netip.MustParsePrefix("2001:db8::/32"),   // IPv6 documentation
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("::ffff:0:0:0/96"), // IPv4-translated (SIIT)
}

// nat64 and sixToFour embed an IPv4 address that a gateway would reach, so
// the embedded address is checked as well.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// BlockedAddr reports why ip must not be dialled by a server-side request
// (private, loopback, link-local, reserved), or "" if it is public. Every
// outbound request of borderwatch (feeds, articles, webhooks) checks it.
func BlockedAddr(ip netip.Addr) string {
	return blockedAddr(ip)
}

func blockedAddr(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "invalid address"
	case ip.IsLoopback():
		return "loopback address"
	case ip.IsPrivate():
		return "private address"
	case ip.IsLinkLocalUnicast():
		return "link-local address"
	case ip.IsMulticast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast address"
	case ip.IsUnspecified():
		return "unspecified address"
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return "reserved address " + p.String()
		}
	}
	if ip.Is6() {
		b := ip.As16()
		if nat64.Contains(ip) {
			return blockedAddr(netip.AddrFrom4([4]byte(b[12:16])))
		}
		if sixToFour.Contains(ip) {
			return blockedAddr(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	return ""
}

// blockedError is what the dialer's Control returns; Get turns it into
// KindBlocked however deep net/http wrapped it.
type blockedError struct {
	addr   netip.Addr
	reason string
}

func (e *blockedError) Error() string {
	return fmt.Sprintf("refusing to connect to %s (%s; set AllowPrivate to allow)", e.addr, e.reason)
}

// control runs on every connection attempt with the IP actually being
// dialled (after DNS), so neither a hostname resolving to 127.0.0.1 nor a
// redirect nor DNS rebinding gets past it.
func (c *Client) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("fetch: unexpected dial address %q: %w", address, err)
	}
	return c.checkAddr(ap.Addr())
}

// checkAddr applies AllowPrivate and the Allow list to one address.
func (c *Client) checkAddr(ip netip.Addr) error {
	if c.opts.AllowPrivate {
		return nil
	}
	ip = ip.Unmap()
	for _, p := range c.opts.Allow {
		if p.Contains(ip) {
			return nil
		}
	}
	if reason := blockedAddr(ip); reason != "" {
		return &blockedError{addr: ip, reason: reason}
	}
	return nil
}
