package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Sentinel errors an *APIError matches with errors.Is, by HTTP status (and
// for ErrAmbiguous, by code).
var (
	ErrBadRequest   = errors.New("codegraph: bad request")           // 400
	ErrUnauthorized = errors.New("codegraph: unauthorized")          // 401
	ErrForbidden    = errors.New("codegraph: forbidden")             // 403
	ErrNotFound     = errors.New("codegraph: not found")             // 404
	ErrConflict     = errors.New("codegraph: conflict")              // 409 (ambiguous symbols too)
	ErrAmbiguous    = errors.New("codegraph: ambiguous symbol")      // 409 with code "ambiguous"
	ErrTooLarge     = errors.New("codegraph: request too large")     // 413
	ErrRateLimited  = errors.New("codegraph: rate limited")          // 429
	ErrUnavailable  = errors.New("codegraph: service unavailable")   // 503 (no index yet, damaged index)
	ErrServer       = errors.New("codegraph: server error")          // other 5xx
	ErrTimeout      = errors.New("codegraph: request took too long") // 504
)

// APIError is an error answer of the server: its HTTP status and the
// body's machine-readable code, message and details.
type APIError struct {
	// StatusCode is the HTTP status (404, 409, ...).
	StatusCode int
	// Code is the API's error code: bad_request, unauthorized, forbidden,
	// not_found, conflict, ambiguous, request_too_large, rate_limited,
	// unavailable, timeout, internal, ...
	Code string
	// Message says what went wrong and what to do.
	Message string
	// Details is the raw details object, when the server sent one (the
	// candidates of an ambiguous symbol, the suggestions for an unknown one).
	Details json.RawMessage
	// RetryAfter is the server's Retry-After (429 and 503), zero when absent.
	RetryAfter time.Duration
	// Method and URL are the request's.
	Method, URL string

	body []byte // the answer's body (at most 1 MiB)
}

// Error returns "METHOD URL: STATUS CODE: MESSAGE".
func (e *APIError) Error() string {
	return fmt.Sprintf("codegraph: %s %s: %d %s: %s", e.Method, e.URL, e.StatusCode, e.Code, e.Message)
}

// Is reports whether the error matches one of the package's sentinels.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrAmbiguous:
		return e.Code == "ambiguous"
	case ErrServer:
		return e.StatusCode >= 500
	}
	return sentinelOf(e.StatusCode) == target
}

func sentinelOf(status int) error {
	switch status {
	case http.StatusBadRequest:
		return ErrBadRequest
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusConflict:
		return ErrConflict
	case http.StatusRequestEntityTooLarge:
		return ErrTooLarge
	case http.StatusTooManyRequests:
		return ErrRateLimited
	case http.StatusServiceUnavailable:
		return ErrUnavailable
	case http.StatusGatewayTimeout:
		return ErrTimeout
	}
	return nil
}

// Candidates returns the candidates of an ambiguous symbol (code
// "ambiguous"), nil for other errors.
func (e *APIError) Candidates() []Symbol {
	var d struct {
		Candidates []Symbol `json:"candidates"`
	}
	if len(e.Details) == 0 || json.Unmarshal(e.Details, &d) != nil {
		return nil
	}
	return d.Candidates
}

// Suggestions returns the names the server suggests for an unknown symbol
// (code "not_found"), nil when it gave none.
func (e *APIError) Suggestions() []string {
	var d struct {
		Suggestions []string `json:"suggestions"`
	}
	if len(e.Details) == 0 || json.Unmarshal(e.Details, &d) != nil {
		return nil
	}
	return d.Suggestions
}

// errorOf reads an error answer into an *APIError. A body that is not the
// API's JSON error (a proxy's page) keeps its first bytes as the message.
func errorOf(resp *http.Response, body []byte) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, Method: resp.Request.Method, URL: resp.Request.URL.Redacted(), body: body}
	var eb struct {
		Error struct {
			Code    string          `json:"code"`
			Message string          `json:"message"`
			Details json.RawMessage `json:"details"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &eb) == nil && eb.Error.Code != "" {
		e.Code, e.Message, e.Details = eb.Error.Code, eb.Error.Message, eb.Error.Details
	} else {
		e.Code = "http_" + strconv.Itoa(resp.StatusCode)
		msg := string(body)
		if len(msg) > 200 {
			msg = msg[:200] + "..."
		}
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		e.Message = msg
	}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			e.RetryAfter = time.Duration(n) * time.Second
		}
	}
	return e
}
