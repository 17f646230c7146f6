package server

import (
	"net/http"
	"strings"
)

// cors answers preflight requests and adds CORS headers for the allowed
// origins ("*" allows any). Without origins it does nothing: browsers
// then refuse cross-origin reads, which is the safe default.
type cors struct {
	any     bool
	origins map[string]bool
}

func newCORS(origins []string) *cors {
	c := &cors{origins: map[string]bool{}}
	for _, o := range origins {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		if o == "*" {
			c.any = true
		} else if o != "" {
			c.origins[o] = true
		}
	}
	return c
}

func (c *cors) enabled() bool { return c.any || len(c.origins) > 0 }

// handle sets the CORS headers for r and reports whether the request was
// a preflight it answered.
func (c *cors) handle(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || !c.enabled() {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	if !c.any && !c.origins[origin] {
		return false
	}
	if c.any {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
	}
	h.Set("Access-Control-Expose-Headers", "Retry-After, Mcp-Session-Id, X-Request-Id")
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, X-API-Key, Content-Type, Last-Event-ID, Mcp-Session-Id, Mcp-Protocol-Version")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}
