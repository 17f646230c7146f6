package server

import (
	"net"
	"net/http"
	"sort"
	"strings"
)

// hostList is the Host header allow-list that defeats DNS rebinding: a
// page on evil.example whose name is made to resolve to 127.0.0.1 sends
// Host: evil.example, which is refused.
type hostList struct {
	any   bool
	names map[string]bool
}

// loopbackHosts are allowed by default on a server without keys.
var loopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

func newHostList(hosts []string, keys bool) *hostList {
	h := &hostList{names: map[string]bool{}}
	if len(hosts) == 0 {
		if keys {
			h.any = true
			return h
		}
		hosts = loopbackHosts
	}
	for _, n := range hosts {
		n = strings.ToLower(strings.Trim(strings.TrimSpace(n), "[]"))
		if n == "*" {
			h.any = true
		} else if n != "" {
			h.names[n] = true
		}
	}
	return h
}

// check refuses a Host header naming a host that is not allowed.
func (h *hostList) check(hostport string) error {
	if h.any {
		return nil
	}
	host := strings.ToLower(strings.Trim(hostOf(hostport), "[]"))
	if h.names[host] {
		return nil
	}
	if h.names["localhost"] && strings.HasSuffix(host, ".localhost") {
		return nil // RFC 6761: *.localhost is loopback
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() && h.names["127.0.0.1"] {
		return nil
	}
	return &apiError{Status: http.StatusForbidden, Code: codeForbidden,
		Message: sprintf("Host %q is not served here (DNS rebinding protection): use one of %s, or start serve with --allowed-host %s", hostport, strings.Join(h.list(), ", "), host)}
}

func (h *hostList) list() []string {
	out := make([]string, 0, len(h.names))
	for n := range h.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
