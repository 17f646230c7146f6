package server

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"
)

// AuditOptions configure the audit log (Options.Audit): one JSON object
// per line for every write, every refused request and every admin action.
// Credentials and request bodies are never written.
type AuditOptions struct {
	// Path is the file appended to ("-": standard output).
	Path string
	// MaxSize rotates the file when it would grow past this many bytes
	// (0: 100 MiB): FILE becomes FILE.1, FILE.1 FILE.2, and so on.
	MaxSize int64
	// Keep is the number of rotated files kept (0: 5).
	Keep int
	// Stdout is where "-" writes (nil: os.Stdout).
	Stdout io.Writer
}

// auditRecord is one line of the audit log.
type auditRecord struct {
	Time      string `json:"time"`
	Action    string `json:"action"` // write, admin or refused
	Subject   string `json:"subject"`
	Remote    string `json:"remote"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	Operation string `json:"operation,omitempty"`
	Repo      string `json:"repo,omitempty"`
	Status    int    `json:"status"`
	RequestID string `json:"request_id"`
}

// auditLog appends records, rotating the file by size.
type auditLog struct {
	o    AuditOptions
	mu   sync.Mutex
	w    io.Writer
	f    *os.File
	size int64
}

func openAudit(o AuditOptions) (*auditLog, error) {
	if o.MaxSize <= 0 {
		o.MaxSize = 100 << 20
	}
	if o.Keep <= 0 {
		o.Keep = 5
	}
	a := &auditLog{o: o}
	if o.Path == "-" {
		a.w = o.Stdout
		if a.w == nil {
			a.w = os.Stdout
		}
		return a, nil
	}
	return a, a.open()
}

func (a *auditLog) open() error {
	f, err := os.OpenFile(a.o.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("audit log: %w", err)
	}
	a.f, a.w, a.size = f, f, st.Size()
	return nil
}

// rotateLocked shifts FILE.N-1 → FILE.N … FILE → FILE.1 and opens a new
// FILE.
func (a *auditLog) rotateLocked() error {
	a.f.Close()
	os.Remove(fmt.Sprintf("%s.%d", a.o.Path, a.o.Keep))
	for i := a.o.Keep - 1; i >= 1; i-- {
		os.Rename(fmt.Sprintf("%s.%d", a.o.Path, i), fmt.Sprintf("%s.%d", a.o.Path, i+1))
	}
	if err := os.Rename(a.o.Path, a.o.Path+".1"); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("audit log: rotate: %w", err)
	}
	return a.open()
}

// write appends rec as one line (synced to disk for a file, so a crash
// loses no record that was answered).
func (a *auditLog) write(rec auditRecord) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f != nil && a.size > 0 && a.size+int64(len(b)) > a.o.MaxSize {
		if err := a.rotateLocked(); err != nil {
			return err
		}
	}
	if a.w == nil {
		return fmt.Errorf("audit log %s is not open", a.o.Path)
	}
	n, err := a.w.Write(b)
	a.size += int64(n)
	if err == nil && a.f != nil {
		err = a.f.Sync()
	}
	return err
}

func (a *auditLog) close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f != nil {
		err := a.f.Close()
		a.f, a.w = nil, nil
		return err
	}
	return nil
}

// newRequestID is a random id for a request, echoed in X-Request-ID and
// the audit log.
func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// auditedOperation looks into a GraphQL or MCP request body (when auditing)
// for what it does: the operation's name and whether it writes (a GraphQL
// mutation; rebuildIndex is admin) or calls an MCP tool. The body is
// given back to the handler unchanged.
func (s *Server) auditedOperation(r *http.Request) (op, action, repo string) {
	if r.Method != http.MethodPost || r.Body == nil || (r.URL.Path != "/graphql" && r.URL.Path != "/mcp") {
		return "", "", ""
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, s.opts.MaxBodyBytes+1))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), r.Body))
	if err != nil {
		return "", "", ""
	}
	if r.URL.Path == "/graphql" {
		var q struct {
			Query         string         `json:"query"`
			OperationName string         `json:"operationName"`
			Variables     map[string]any `json:"variables"`
		}
		if json.Unmarshal(b, &q) != nil {
			return "", "", ""
		}
		op = q.OperationName
		kind := graphqlKind(q.Query)
		if op == "" {
			op = kind
		}
		// The repository: a repo variable, or a repo: "NAME" argument.
		repo, _ = q.Variables["repo"].(string)
		if m := graphqlRepoArg().FindStringSubmatch(q.Query); repo == "" && m != nil {
			repo = m[1]
		}
		switch {
		case kind == "mutation" && strings.Contains(q.Query, "rebuildIndex"):
			return op, "admin", repo
		case kind == "mutation":
			return op, "write", repo
		}
		return op, "", repo
	}
	var m struct {
		Method string `json:"method"`
		Params struct {
			Name      string `json:"name"`
			Arguments struct {
				Repo any `json:"repo"`
			} `json:"arguments"`
		} `json:"params"`
	}
	if json.Unmarshal(b, &m) != nil || m.Method != "tools/call" {
		return "", "", ""
	}
	repo, _ = m.Params.Arguments.Repo.(string)
	action = ""
	if s.opts.ToolAccess != nil {
		switch s.opts.ToolAccess(m.Params.Name) {
		case ScopeAdmin:
			action = "admin"
		case ScopeReadWrite:
			action = "write"
		}
	}
	return m.Params.Name, action, repo
}

// graphqlRepoArg finds a repository named inline in a GraphQL document.
var graphqlRepoArg = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\brepo\s*:\s*"((?:[^"\\]|\\.)*)"`) })

// graphqlKind is the type of a GraphQL document's first operation:
// query, mutation or subscription.
func graphqlKind(q string) string {
	for {
		q = strings.TrimLeft(q, " \t\r\n,\ufeff")
		if !strings.HasPrefix(q, "#") {
			break
		}
		if i := strings.IndexByte(q, '\n'); i >= 0 {
			q = q[i+1:]
		} else {
			q = ""
		}
	}
	for _, k := range []string{"mutation", "subscription", "query"} {
		if strings.HasPrefix(q, k) {
			return k
		}
	}
	return "query"
}

// auditRequest writes the record of a finished request when it is one the
// audit log keeps.
func (s *Server) auditRequest(r *http.Request, id identity, status int, reqID, op, action, repo string) {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusTooManyRequests:
		action = "refused"
	case action != "":
	case r.Pattern != "" && s.routeScope[r.Pattern] >= ScopeReadWrite:
		action = "write"
	default:
		return
	}
	subject := ""
	if id.Authenticated && s.authOn {
		subject = id.Name
	}
	err := s.audit.write(auditRecord{Time: time.Now().UTC().Format(time.RFC3339Nano), Action: action, Subject: subject,
		Remote: r.RemoteAddr, Method: r.Method, Path: r.URL.Path, Operation: op, Repo: cmp.Or(repo, r.URL.Query().Get("repo")),
		Status: status, RequestID: reqID})
	if err != nil {
		s.log.Error("audit log", "err", err)
	}
}
