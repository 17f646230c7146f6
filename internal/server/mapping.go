package server

import (
	"errors"
	"net/http"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// mapLayerError maps the sentinel errors of the service, query, search
// and store layers to answers; nil when err is none of them.
func mapLayerError(err error) *apiError {
	var amb *query.AmbiguousError
	if errors.As(err, &amb) {
		return &apiError{Status: http.StatusConflict, Code: codeAmbiguous,
			Message: err.Error() + ": pass one of the candidates' ids",
			Details: map[string]any{"spec": amb.Spec, "total": amb.Total, "candidates": amb.Candidates}}
	}
	var nf *query.NotFoundError
	if errors.As(err, &nf) {
		ae := &apiError{Status: http.StatusNotFound, Code: codeNotFound, Message: err.Error()}
		if len(nf.Suggestions) > 0 {
			ae.Details = map[string]any{"suggestions": nf.Suggestions}
		}
		return ae
	}
	switch {
	case errors.Is(err, store.ErrCorrupt), errors.Is(err, search.ErrCorrupt):
		// The message names the damaged file and says how to rebuild.
		return &apiError{Status: http.StatusServiceUnavailable, Code: codeUnavailable, Message: err.Error()}
	case errors.Is(err, service.ErrForbidden):
		return &apiError{Status: http.StatusForbidden, Code: codeForbidden, Message: err.Error()}
	case errors.Is(err, service.ErrTooLarge):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge, Message: err.Error()}
	case errors.Is(err, service.ErrUnknownRepo):
		return &apiError{Status: http.StatusNotFound, Code: codeNotFound, Message: err.Error()}
	case errors.Is(err, service.ErrNoIndex):
		return &apiError{Status: http.StatusServiceUnavailable, Code: codeUnavailable,
			Message: err.Error() + ": the repository has no index yet; start one with POST /index (or run `codegraph index`) and retry"}
	case errors.Is(err, search.ErrNoIndex):
		return &apiError{Status: http.StatusServiceUnavailable, Code: codeUnavailable,
			Message: "no search index for this repository: start an index job with POST /index (or run `codegraph index`) and retry"}
	case errors.Is(err, search.ErrDimension):
		return &apiError{Status: http.StatusBadRequest, Code: codeBadRequest, Message: err.Error()}
	case errors.Is(err, service.ErrDerived), errors.Is(err, service.ErrBusy), errors.Is(err, store.ErrLocked):
		return &apiError{Status: http.StatusConflict, Code: codeConflict, Message: err.Error()}
	case errors.Is(err, service.ErrInvalid), errors.Is(err, query.ErrBadCursor):
		return &apiError{Status: http.StatusBadRequest, Code: codeBadRequest, Message: err.Error()}
	case errors.Is(err, service.ErrNotFound), errors.Is(err, store.ErrNotFound), errors.Is(err, query.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Code: codeNotFound, Message: err.Error()}
	}
	return nil
}
