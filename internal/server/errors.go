package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// Error codes of the JSON error body: the service's taxonomy
// (service.Code) and the few conditions only HTTP has.
var (
	codeBadRequest   = service.CodeInvalid.String()
	codeBadRegex     = service.CodeBadRegex.String()
	codeUnauthorized = service.CodeUnauthenticated.String()
	codeForbidden    = service.CodeForbidden.String()
	codeNotFound     = service.CodeNotFound.String()
	codeConflict     = service.CodeConflict.String()
	codeAmbiguous    = service.CodeAmbiguous.String()
	codeTooLarge     = service.CodeTooLarge.String()
	codeInternal     = service.CodeInternal.String()
	codeUnavailable  = service.CodeUnavailable.String()
	codeTimeout      = service.CodeTimeout.String()
	codeClientGone   = service.CodeCanceled.String()
	codeMethod       = "method_not_allowed"
	codeRateLimited  = "rate_limited"
)

// apiError is an error with the status and code it is answered with.
// Details, when set, are added to the body (for example the candidates of
// an ambiguous symbol).
type apiError struct {
	Status  int
	Code    string
	Message string
	Details any
}

func (e *apiError) Error() string { return e.Message }

// errorBody is the JSON body of every error answer.
type errorBody struct {
	Error errorObject `json:"error"`
}

type errorObject struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details any    `json:"details,omitempty"`
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: codeBadRequest, Message: sprintf(format, args...)}
}

func notFound(format string, args ...any) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: codeNotFound, Message: sprintf(format, args...)}
}

// writeError answers err as a JSON error body with the status errStatus
// maps it to.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	ae := toAPIError(r, err)
	if ae.Status == http.StatusTooManyRequests || ae.Status == http.StatusServiceUnavailable {
		if w.Header().Get("Retry-After") == "" && ae.Status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "5")
		}
	}
	if ae.Status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		// RFC 6750: how to authenticate, and why the credential failed.
		w.Header().Set("WWW-Authenticate", wwwAuthenticate(ae))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(ae.Status)
	_ = json.NewEncoder(w).Encode(errorBody{Error: errorObject{Code: ae.Code, Message: ae.Message, Details: ae.Details}})
}

// toAPIError maps an error to the answer it gets. Errors of the layers
// below are matched with errors.Is/As against their sentinels (see
// mapServiceError for the service's); anything unknown is a 500 whose
// message is kept generic (it is logged in full).
func toAPIError(r *http.Request, err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge,
			Message: sprintf("request body larger than %d bytes", mbe.Limit)}
	}
	if ae := mapLayerError(err); ae != nil {
		return ae
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &apiError{Status: http.StatusGatewayTimeout, Code: codeTimeout, Message: "the request took too long: narrow it (a smaller depth or limit)"}
	}
	if errors.Is(err, context.Canceled) && r != nil && r.Context().Err() != nil {
		return &apiError{Status: 499, Code: codeClientGone, Message: "client closed the request"}
	}
	if l := loggerFrom(r); l != nil {
		l.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	return &apiError{Status: service.CodeInternal.HTTPStatus(), Code: codeInternal, Message: "internal error: " + err.Error()}
}

// wwwAuthenticate is the challenge of a 401 answer: the realm, and when a
// credential was presented but refused, error="invalid_token" with the
// reason.
func wwwAuthenticate(ae *apiError) string {
	v := `Bearer realm="codegraph"`
	if ae != errCredentialsNeeded {
		d := strings.Map(func(r rune) rune {
			if r == '"' || r == '\\' || r < 0x20 || r > 0x7e {
				return '\''
			}
			return r
		}, ae.Message)
		v += `, error="invalid_token", error_description="` + d + `"`
	}
	return v
}
