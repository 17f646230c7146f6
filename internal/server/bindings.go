package server

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// RoleBinding gives identities a role on repositories: the per-repository
// authorization of a shared server. With bindings configured, an identity
// has, on each repository, the highest role of the bindings that name it
// and the repository (or "*"), never more than its credential's own scope;
// a repository it has no role on does not exist for it (404, and absent
// from every list).
type RoleBinding struct {
	// Subjects are the identities bound: "key:NAME" (an API key's name),
	// "jwt:SUBJECT" (a JWT's sub claim), "group:NAME" (a name in a JWT's
	// groups claim), "cert:SUBJECT" (a client certificate's subject, as
	// in "cert:CN=ci,O=Example"), or "*" (every authenticated identity).
	Subjects []string `json:"subjects" yaml:"subjects"`
	// Role is read, write or admin.
	Role string `json:"role" yaml:"role"`
	// Repos are the repositories' names, or "*" for all of them.
	Repos []string `json:"repos" yaml:"repos"`
}

// bindings are compiled role bindings.
type bindings struct {
	list []compiledBinding
}

type compiledBinding struct {
	subjects map[string]bool
	any      bool
	role     Scope
	all      bool
	repos    []string
}

// newBindings checks and compiles bs (nil when there are none).
func newBindings(bs []RoleBinding) (*bindings, error) {
	if len(bs) == 0 {
		return nil, nil
	}
	out := &bindings{}
	for i, b := range bs {
		where := fmt.Sprintf("role binding %d", i+1)
		role, err := ParseScope(b.Role)
		if err != nil {
			return nil, fmt.Errorf("%s: role: %w", where, err)
		}
		if len(b.Subjects) == 0 {
			return nil, fmt.Errorf("%s: no subjects (key:NAME, jwt:SUBJECT, group:NAME, cert:SUBJECT or *)", where)
		}
		if len(b.Repos) == 0 {
			return nil, fmt.Errorf("%s: no repos (repository names, or * for all)", where)
		}
		c := compiledBinding{subjects: map[string]bool{}, role: role}
		for _, s := range b.Subjects {
			s = strings.TrimSpace(s)
			if s == "*" {
				c.any = true
				continue
			}
			kind, name, ok := strings.Cut(s, ":")
			if !ok || name == "" || (kind != "key" && kind != "jwt" && kind != "group" && kind != "cert") {
				return nil, fmt.Errorf("%s: subject %q: want key:NAME, jwt:SUBJECT, group:NAME, cert:SUBJECT or *", where, s)
			}
			c.subjects[s] = true
		}
		for _, r := range b.Repos {
			r = strings.TrimSpace(r)
			if r == "" {
				return nil, fmt.Errorf("%s: an empty repository name", where)
			}
			if r == "*" {
				c.all = true
				continue
			}
			c.repos = append(c.repos, r)
		}
		out.list = append(out.list, c)
	}
	return out, nil
}

// grants are what the bindings give id.
func (b *bindings) grants(id identity) service.Grants {
	g := service.Grants{Repos: map[string]service.Access{}}
	for _, c := range b.list {
		if !c.matches(id) {
			continue
		}
		if c.all {
			g.All = max(g.All, c.role)
		}
		for _, r := range c.repos {
			g.Repos[r] = max(g.Repos[r], c.role)
		}
	}
	return g
}

func (c *compiledBinding) matches(id identity) bool {
	if c.any || c.subjects[id.Name] {
		return true
	}
	for _, grp := range id.Groups {
		if c.subjects["group:"+grp] {
			return true
		}
	}
	return false
}

// names lists the repositories the bindings name (not "*").
func (b *bindings) names() []string {
	var out []string
	for _, c := range b.list {
		out = append(out, c.repos...)
	}
	return out
}

// credentials are the API keys and role bindings in force: replaced as a
// whole by Reload, so that a request sees one or the other, never a mix.
type credentials struct {
	keys     *keyring
	bindings *bindings
}

// creds returns the credentials in force.
func (s *Server) creds() *credentials { return s.cred.Load() }

// Reload replaces the API keys and role bindings without a restart (key
// rotation: add the new key, move clients over, remove the old one). It
// refuses what it cannot do safely while serving: turning authentication
// on or off (restart for that) and invalid keys or bindings, and then
// keeps the credentials in force.
func (s *Server) Reload(keys []Key, rb []RoleBinding) error {
	kr, err := newKeyring(keys)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	b, err := newBindings(rb)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	if !s.authOn {
		if kr.enabled() {
			return errors.New("reload: the server was started without credentials (open mode): restart it to turn authentication on")
		}
		if b != nil {
			return errors.New("reload: role bindings need credentials (API keys, JWT or client certificates): restart with them")
		}
	} else if !kr.enabled() && s.jwt == nil && (s.tlsConfig == nil || s.tlsConfig.ClientCAs == nil) {
		return errors.New("reload: the new configuration has no API keys and the server has no other credentials: it would be open to anyone; restart it to serve without keys")
	}
	s.warnUnknownRepos(b)
	s.cred.Store(&credentials{keys: kr, bindings: b})
	s.log.Info("credentials reloaded", "api_keys", len(kr.keys), "role_bindings", lenBindings(b))
	return nil
}

func lenBindings(b *bindings) int {
	if b == nil {
		return 0
	}
	return len(b.list)
}

// warnUnknownRepos logs bindings that name repositories not served (a
// typo grants nothing, silently otherwise).
func (s *Server) warnUnknownRepos(b *bindings) {
	if b == nil || s.svc == nil {
		return
	}
	served := map[string]bool{}
	for _, r := range s.svc.Repos() {
		served[r.Name()] = true
	}
	for _, n := range b.names() {
		if !served[n] {
			s.log.Warn("a role binding names a repository that is not served", "repo", n)
		}
	}
}

// applyBindings narrows id to what the role bindings in force give it.
func (s *Server) applyBindings(id identity) identity {
	b := s.creds().bindings
	if b == nil || !id.Authenticated {
		return id
	}
	g := b.grants(id)
	id.Scope = min(id.Scope, g.Max())
	id.grants = &g
	return id
}

// credHolder is the atomic pointer the server keeps its credentials in.
type credHolder = atomic.Pointer[credentials]
