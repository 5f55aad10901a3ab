package notify

import "net/netip"

// blockedPrefixes and blockedAddr follow internal/fetch's list (unexported
// there): ranges that reach the operator's own network or nothing public.
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fec0::/10"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("::ffff:0:0:0/96"),
}

// nat64 and sixToFour embed an IPv4 address a gateway would reach, so the
// embedded address is checked too.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// blockedAddr says why ip must not be dialled, or "" when it is public.
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
