package mcp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// DefaultMaxLineBytes is the longest JSON-RPC line StdioTransport reads
// when MaxLineBytes is zero (the SDK's own default frame limit).
const DefaultMaxLineBytes = mcp.DefaultMaxLineLength

// StdioTransport serves MCP as newline-delimited JSON-RPC 2.0 over a
// reader and a writer (stdin and stdout for `codegraph mcp`). It stands in
// front of the SDK, which ends the session on the first line it cannot
// decode, and keeps the connection open whatever a client sends:
//
//   - a line that is not JSON (truncated, a NUL byte, trailing data) is
//     answered with a -32700 parse error, and so is a line longer than
//     MaxLineBytes, which is skipped without being buffered;
//   - a line that is JSON but not a JSON-RPC 2.0 message (a bare value, a
//     missing or wrong "jsonrpc", an id that is an object, array, boolean
//     or null, a method that is not a string, params that are not an
//     object or array) is answered with a -32600 invalid request, carrying
//     the request's id when it could be read;
//   - a batch is answered with -32600 for each request in it (MCP since
//     2025-06-18 has no batches; "[]" gets a single error);
//   - blank lines are skipped.
//
// Request ids reach the SDK as fresh integers and are restored, byte for
// byte, in the replies: ids such as 7.9, 1e20 or 2^64, which the SDK
// would turn into int64s, come back exactly as they were sent. A
// notifications/cancelled naming a request id is translated the same way,
// and so is a numeric progress token the SDK would alter (its progress
// notifications carry the client's token as sent).
type StdioTransport struct {
	// Reader is where requests come from; Writer is where replies go.
	// The transport closes neither.
	Reader io.Reader
	Writer io.Writer
	// MaxLineBytes bounds one line (0: DefaultMaxLineBytes).
	MaxLineBytes int
	// Logger receives diagnostics about rejected lines; nil discards them.
	Logger *slog.Logger
}

// Connect implements mcp.Transport.
func (t *StdioTransport) Connect(context.Context) (mcp.Connection, error) {
	max := t.MaxLineBytes
	if max <= 0 {
		max = DefaultMaxLineBytes
	}
	log := t.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &stdioConn{
		w:        t.Writer,
		max:      max,
		log:      log,
		lines:    make(chan rawLine),
		closed:   make(chan struct{}),
		pending:  map[int64]pendingID{},
		byRaw:    map[string]int64{},
		tokens:   map[string]string{},
		answered: make(chan struct{}, 1),
	}
	go c.readLines(bufio.NewReaderSize(t.Reader, 64<<10), max)
	return c, nil
}

// rawLine is one line read, or the error that ended reading.
type rawLine struct {
	data    []byte
	size    int  // bytes in the line (all of them when tooLong)
	tooLong bool // data was dropped: the line is over the limit
	err     error
}

// pendingID is a client's request id as it was sent, and the key of its
// progress token when that was mapped too.
type pendingID struct{ raw, token string }

type stdioConn struct {
	w   io.Writer
	max int // bytes per line
	log *slog.Logger

	lines     chan rawLine
	closed    chan struct{}
	closeOnce sync.Once

	writeMu sync.Mutex // one message at a time on w

	idMu       sync.Mutex
	answered   chan struct{} // a reply was written (for drain)
	unanswered int           // requests read and not yet answered
	nextID     int64
	pending    map[int64]pendingID // internal id -> the client's id
	byRaw      map[string]int64    // the client's id -> internal id (for cancellation)
	tokens     map[string]string   // mapped progress token -> the client's token
}

// readLines reads lines for Read, so that Close unblocks a Read waiting
// for input (the goroutine itself stays blocked in the reader until it
// returns, as the SDK's does).
func (c *stdioConn) readLines(br *bufio.Reader, max int) {
	for {
		l := readLine(br, max)
		select {
		case c.lines <- l:
		case <-c.closed:
			return
		}
		if l.err != nil {
			return
		}
	}
}

// readLine reads one '\n'-terminated line (the last one may lack it),
// buffering at most max bytes: the rest of a longer line is read and
// dropped. At the end of input it returns io.EOF.
func readLine(br *bufio.Reader, max int) rawLine {
	var l rawLine
	for {
		frag, err := br.ReadSlice('\n')
		l.size += len(frag)
		if !l.tooLong {
			if len(l.data)+len(frag) > max+2 { // room for "\r\n"
				l.tooLong, l.data = true, nil
			} else {
				l.data = append(l.data, frag...)
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && l.size > 0:
			// The last line lacks its newline; the next call returns io.EOF.
		default:
			return rawLine{err: err}
		}
		// The limit is on the message, not its "\n" or "\r\n".
		l.data = bytes.TrimSuffix(bytes.TrimSuffix(l.data, []byte("\n")), []byte("\r"))
		if len(l.data) > max {
			l.tooLong, l.data = true, nil
		}
		return l
	}
}

// Read returns the next valid message, answering the invalid lines before
// it itself.
func (c *stdioConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	for {
		var l rawLine
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.closed:
			return nil, io.EOF
		case l = <-c.lines:
		}
		if l.err != nil {
			if errors.Is(l.err, io.EOF) {
				c.drain(ctx)
			}
			return nil, l.err
		}
		msg, reply := c.decode(l)
		if reply != nil {
			if err := c.writeLine(reply); err != nil {
				return nil, err
			}
			continue
		}
		if msg != nil {
			return msg, nil
		}
	}
}

// drainGrace bounds how long the end of input waits for the replies to
// requests read before it.
const drainGrace = 5 * time.Second

// drain waits (at most drainGrace) until every request read has been
// answered: the SDK cancels requests in flight when Read ends, so
// `printf '...\n' | codegraph mcp` would otherwise lose its last answers.
func (c *stdioConn) drain(ctx context.Context) {
	timer := time.NewTimer(drainGrace)
	defer timer.Stop()
	for {
		c.idMu.Lock()
		n := c.unanswered
		c.idMu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-c.answered:
		case <-timer.C:
			c.log.Warn("mcp: input ended with requests unanswered", "requests", n)
			return
		case <-ctx.Done():
			return
		case <-c.closed:
			return
		}
	}
}

// Write sends msg, restoring the client's id in a response.
func (c *stdioConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	default:
	}
	if req, ok := msg.(*jsonrpc.Request); ok && req.Method == methodProgress {
		msg = c.restoreToken(req)
	}
	data, err := jsonrpc.EncodeMessage(msg)
	if err != nil {
		return fmt.Errorf("encode JSON-RPC message: %w", err)
	}
	ours := false
	if resp, ok := msg.(*jsonrpc.Response); ok {
		if data, ours, err = c.restoreID(resp, data); err != nil {
			return err
		}
	}
	err = c.writeLine(data)
	if ours {
		// Counted once written, so that drain lets the session end only
		// after the reply went out.
		c.idMu.Lock()
		c.unanswered--
		c.idMu.Unlock()
		select {
		case c.answered <- struct{}{}:
		default:
		}
	}
	return err
}

// Close ends Read; it leaves the reader and writer to their owner.
func (c *stdioConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return nil
}

// SessionID implements mcp.Connection (stdio has no session id).
func (c *stdioConn) SessionID() string { return "" }

func (c *stdioConn) writeLine(data []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	buf := make([]byte, 0, len(data)+1)
	buf = append(append(buf, data...), '\n')
	_, err := c.w.Write(buf)
	return err
}

// wirePrefix is how the SDK's encoding of every message begins.
const wirePrefix = `{"jsonrpc":"2.0","id":`

// restoreID puts the client's id back into the encoded response data;
// ours is false when the response answers no request read here.
func (c *stdioConn) restoreID(resp *jsonrpc.Response, data []byte) (_ []byte, ours bool, _ error) {
	raw := "null"
	internal, isInternal := resp.ID.Raw().(int64)
	if isInternal {
		c.idMu.Lock()
		p, ok := c.pending[internal]
		if ok {
			delete(c.pending, internal)
			if c.byRaw[p.raw] == internal {
				delete(c.byRaw, p.raw)
			}
			if p.token != "" {
				delete(c.tokens, p.token)
			}
		}
		c.idMu.Unlock()
		if !ok {
			return data, false, nil // not a request of this connection's client
		}
		raw = p.raw
	} else if resp.ID.IsValid() {
		return data, false, nil
	}
	if isInternal {
		// The SDK writes {"jsonrpc":"2.0","id":N,...}: swap N.
		prefix := wirePrefix + strconv.FormatInt(internal, 10)
		if bytes.HasPrefix(data, []byte(prefix)) && len(data) > len(prefix) && (data[len(prefix)] == ',' || data[len(prefix)] == '}') {
			out := make([]byte, 0, len(data)-len(prefix)+len(wirePrefix)+len(raw))
			out = append(append(append(out, wirePrefix...), raw...), data[len(prefix):]...)
			return out, isInternal, nil
		}
	}
	// Any other layout (or no id at all): set it field by field.
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, false, fmt.Errorf("re-encode JSON-RPC response: %w", err)
	}
	fields["id"] = json.RawMessage(raw)
	data, err := json.Marshal(fields)
	return data, isInternal, err
}

// JSON-RPC 2.0 error codes the transport answers with.
const (
	codeParseError     = jsonrpc.CodeParseError
	codeInvalidRequest = jsonrpc.CodeInvalidRequest
)

// errorReply encodes a JSON-RPC error response; id is raw JSON ("null"
// when the request's id could not be read).
func errorReply(id string, code int64, msg string) []byte {
	b, err := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   jsonrpc.Error   `json:"error"`
	}{"2.0", json.RawMessage(id), jsonrpc.Error{Code: code, Message: msg}})
	if err != nil { // id is always valid JSON; keep the reply anyway
		return []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":null,"error":{"code":%d,"message":%q}}`, code, msg))
	}
	return b
}

// decode turns one line into a message for the SDK, or into the error
// reply to send instead (both nil: a blank line).
func (c *stdioConn) decode(l rawLine) (jsonrpc.Message, []byte) {
	if l.tooLong {
		c.log.Warn("mcp: dropped an over-long line", "bytes", l.size)
		return nil, errorReply("null", codeParseError, fmt.Sprintf("parse error: a line of %d bytes is over the limit of %d bytes", l.size, c.max))
	}
	line := bytes.TrimSpace(l.data)
	if len(line) == 0 {
		return nil, nil
	}
	var top json.RawMessage
	if err := json.Unmarshal(line, &top); err != nil {
		c.log.Warn("mcp: a line that is not JSON", "err", err, "bytes", len(line))
		return nil, errorReply("null", codeParseError, "parse error: "+err.Error())
	}
	switch line[0] {
	case '{':
		return c.decodeObject(line)
	case '[':
		return nil, c.batchReply(line)
	default:
		return nil, errorReply("null", codeInvalidRequest, "invalid request: a JSON-RPC message is an object")
	}
}

// validID reports whether raw (valid JSON) is an id MCP accepts: a string
// or a number (JSON-RPC allows null, MCP does not).
func validID(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '"' || raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'))
}

// integerID reports whether a numeric id has no fraction or exponent.
func integerID(raw json.RawMessage) bool {
	return raw[0] == '"' || !bytes.ContainsAny(raw, ".eE")
}

const (
	methodCancelled = "notifications/cancelled"
	methodProgress  = "notifications/progress"
)

// decodeObject validates one JSON object as a JSON-RPC 2.0 message.
func (c *stdioConn) decodeObject(line []byte) (jsonrpc.Message, []byte) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil {
		return nil, errorReply("null", codeParseError, "parse error: "+err.Error())
	}
	idRaw, hasID := m["id"]
	replyID := "null"
	if hasID && validID(idRaw) {
		replyID = string(idRaw)
	}
	invalid := func(why string) (jsonrpc.Message, []byte) {
		c.log.Warn("mcp: invalid JSON-RPC message", "why", why, "id", replyID)
		return nil, errorReply(replyID, codeInvalidRequest, "invalid request: "+why)
	}
	if hasID && !validID(idRaw) {
		return invalid("id must be a string or a number")
	}
	var version string
	if v, ok := m["jsonrpc"]; !ok {
		return invalid(`"jsonrpc": "2.0" is missing`)
	} else if json.Unmarshal(v, &version) != nil || version != "2.0" {
		return invalid(`jsonrpc must be "2.0"`)
	}
	if methodRaw, ok := m["method"]; ok {
		var method string
		if json.Unmarshal(methodRaw, &method) != nil {
			return invalid("method must be a string")
		}
		params := m["params"]
		if string(params) == "null" {
			params = nil
		}
		if len(params) > 0 && params[0] != '{' && params[0] != '[' {
			return invalid("params must be an object or an array")
		}
		if !hasID {
			if method == methodCancelled {
				var ok bool
				if params, ok = c.cancelledParams(params); !ok {
					return nil, nil // cancels no request of ours
				}
			}
			return &jsonrpc.Request{Method: method, Params: params}, nil
		}
		id := c.register(idRaw)
		return &jsonrpc.Request{ID: id, Method: method, Params: c.mapToken(id, params)}, nil
	}
	// No method: a response to one of the server's requests.
	_, hasResult := m["result"]
	_, hasError := m["error"]
	if !hasID || hasResult == hasError {
		return invalid("a request needs a method; a response needs an id and either a result or an error")
	}
	if !integerID(idRaw) {
		return invalid("no request of this server has the id " + string(idRaw))
	}
	msg, err := jsonrpc.DecodeMessage(line)
	if err != nil {
		return invalid(err.Error())
	}
	return msg, nil
}

// register gives a client's request a fresh integer id for the SDK.
func (c *stdioConn) register(raw json.RawMessage) jsonrpc.ID {
	c.idMu.Lock()
	c.nextID++
	n := c.nextID
	c.pending[n] = pendingID{raw: string(raw)}
	c.unanswered++
	c.byRaw[string(raw)] = n
	c.idMu.Unlock()
	id, _ := jsonrpc.MakeID(float64(n)) // exact below 2^53
	return id
}

// cancelledParams translates the requestId of a notifications/cancelled
// into the SDK's id for it; ok is false when it names no request in
// flight (the SDK would otherwise read it as an id it gave another one).
func (c *stdioConn) cancelledParams(params json.RawMessage) (json.RawMessage, bool) {
	var p map[string]json.RawMessage
	if len(params) == 0 || json.Unmarshal(params, &p) != nil {
		return params, true // the SDK answers what is wrong with it
	}
	rid, ok := p["requestId"]
	if !ok {
		return params, true
	}
	c.idMu.Lock()
	n, found := c.byRaw[string(rid)]
	c.idMu.Unlock()
	if !found {
		return nil, false
	}
	p["requestId"] = json.RawMessage(strconv.FormatInt(n, 10))
	out, err := json.Marshal(p)
	if err != nil {
		return nil, false
	}
	return out, true
}

// exactNumber reports whether a JSON number survives the SDK's float64
// round trip as the same bytes: an integer of at most 15 digits.
func exactNumber(raw []byte) bool {
	digits := bytes.TrimPrefix(raw, []byte("-"))
	return len(digits) <= 15 && !bytes.ContainsAny(digits, ".eE")
}

// mapToken replaces a numeric progress token in params (_meta.progressToken)
// that the SDK would alter (1e20, 7.9) with a string naming the request,
// which restoreToken turns back in the progress notifications.
func (c *stdioConn) mapToken(id jsonrpc.ID, params json.RawMessage) json.RawMessage {
	if len(params) == 0 || params[0] != '{' || !bytes.Contains(params, []byte(`"progressToken"`)) {
		return params
	}
	var p, meta map[string]json.RawMessage
	if json.Unmarshal(params, &p) != nil || json.Unmarshal(p["_meta"], &meta) != nil {
		return params
	}
	tok, ok := meta["progressToken"]
	if !ok || len(tok) == 0 || (tok[0] != '-' && (tok[0] < '0' || tok[0] > '9')) || exactNumber(tok) {
		return params // absent, not a number, or one the SDK keeps as it is
	}
	key := fmt.Sprintf("codegraph-progress-%v", id.Raw())
	meta["progressToken"] = json.RawMessage(strconv.Quote(key))
	mb, err := json.Marshal(meta)
	if err != nil {
		return params
	}
	p["_meta"] = mb
	out, err := json.Marshal(p)
	if err != nil {
		return params
	}
	c.idMu.Lock()
	if n, ok := id.Raw().(int64); ok {
		pi := c.pending[n]
		pi.token = key
		c.pending[n] = pi
	}
	c.tokens[key] = string(tok)
	c.idMu.Unlock()
	return out
}

// restoreToken puts the client's own progress token back into a progress
// notification whose token mapToken replaced.
func (c *stdioConn) restoreToken(req *jsonrpc.Request) jsonrpc.Message {
	c.idMu.Lock()
	n := len(c.tokens)
	c.idMu.Unlock()
	if n == 0 {
		return req
	}
	var p map[string]json.RawMessage
	var key string
	if json.Unmarshal(req.Params, &p) != nil || json.Unmarshal(p["progressToken"], &key) != nil {
		return req
	}
	c.idMu.Lock()
	raw, ok := c.tokens[key]
	c.idMu.Unlock()
	if !ok {
		return req
	}
	p["progressToken"] = json.RawMessage(raw)
	params, err := json.Marshal(p)
	if err != nil {
		return req
	}
	out := *req
	out.Params = params
	return &out
}

// batchMessage is the error each request of a batch gets.
const batchMessage = "invalid request: batches are not supported (MCP 2025-06-18 removed them): send one message per line"

// batchReply answers a batch: -32600 for each request in it (with its
// id), nothing for its notifications and responses, a single -32600 for
// an empty one.
func (c *stdioConn) batchReply(line []byte) []byte {
	var elems []json.RawMessage
	if err := json.Unmarshal(line, &elems); err != nil {
		return errorReply("null", codeParseError, "parse error: "+err.Error())
	}
	c.log.Warn("mcp: refused a batch", "messages", len(elems))
	if len(elems) == 0 {
		return errorReply("null", codeInvalidRequest, "invalid request: an empty batch")
	}
	var out []json.RawMessage
	for _, e := range elems {
		id := "null"
		var m map[string]json.RawMessage
		if json.Unmarshal(e, &m) == nil {
			idRaw, hasID := m["id"]
			_, hasMethod := m["method"]
			_, hasResult := m["result"]
			_, hasError := m["error"]
			if !hasID && hasMethod || hasID && !hasMethod && (hasResult || hasError) {
				continue // a notification or a response: never answered
			}
			if hasID && validID(idRaw) {
				id = string(idRaw)
			}
		}
		out = append(out, errorReply(id, codeInvalidRequest, batchMessage))
	}
	if len(out) == 0 {
		return nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return errorReply("null", codeInvalidRequest, batchMessage)
	}
	return b
}
